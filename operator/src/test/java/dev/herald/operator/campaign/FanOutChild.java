package dev.herald.operator.campaign;

import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.NotificationStore;
import dev.herald.operator.notification.ContactDirectory;
import dev.herald.operator.notification.RecipientResolver;
import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * A process that fans out one campaign run, for {@link CampaignFanOutKillTest} to kill mid-way.
 * Prints {@code page <checkpoint> <users> <heap>} after each page ({@code heap}: bytes used after a
 * full collection, every tenth page; -1 otherwise), then {@code done <outcome>}.
 *
 * <p>Arguments: jdbc url, user, password, run id, page size.
 */
public final class FanOutChild {
  private FanOutChild() {}

  public static void main(String[] args) {
    StoreSettings settings = new StoreSettings(args[0], args[1], args[2], 4);
    try (Database db = Database.open(settings, "fan-out-child")) {
      ContactStore contacts = new ContactStore(db.jdbi());
      RecipientResolver resolver =
          new RecipientResolver(ContactDirectory.of(contacts), contacts::preferences);
      int[] pages = {0};
      CampaignFanOut fanOut =
          new CampaignFanOut(
              new CampaignRunStore(db.jdbi()),
              new NotificationStore(db.jdbi()),
              resolver,
              () -> {},
              Integer.parseInt(args[4]),
              (run, checkpoint, users, deliveries) -> {
                long heap = -1;
                if (++pages[0] % 10 == 0) {
                  System.gc();
                  heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                }
                System.out.println("page " + checkpoint + " " + users + " " + heap);
                System.out.flush();
              });
      CampaignFanOut.Outcome outcome = fanOut.fanOut(UUID.fromString(args[3]));
      System.out.println("done " + outcome);
      System.out.flush();
    }
  }
}

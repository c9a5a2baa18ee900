package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;
import static dev.herald.operator.http.Responses.noContent;
import static dev.herald.operator.http.Responses.userId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.spec.Patterns;
import dev.herald.core.Json;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.Preference;
import dev.herald.core.store.UserRecord;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.operator.notification.PreferenceCache;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Users of the contact store, their devices and their preferences: {@code /v1/users/{id}}, {@code
 * /v1/users/{id}/devices}, {@code /v1/users/{id}/preferences}.
 */
final class UserRoutes {
  private static final Set<String> PREFERENCE_FIELDS = Set.of("optedOutOfAll", "preferences");
  private static final Set<String> PREFERENCE_ITEM_FIELDS =
      Set.of("channel", "category", "optedIn");
  private static final Set<String> CHANNELS = Set.of("email", "sms", "push", Preference.ANY);

  private final ContactStore contacts;
  private final PreferenceCache preferences;
  private final WebPushEndpoints webPushEndpoints;

  UserRoutes(
      ContactStore contacts, PreferenceCache preferences, WebPushEndpoints webPushEndpoints) {
    this.contacts = contacts;
    this.preferences = preferences;
    this.webPushEndpoints = webPushEndpoints;
  }

  void mount(Router router, ApiKeys keys) {
    blocking(router.put("/v1/users/:id").handler(keys.require(Scope.CONTACTS)), this::put);
    blocking(
        router.get("/v1/users/:id").handler(keys.require(Scope.CONTACTS, Scope.READ)), this::get);
    blocking(router.delete("/v1/users/:id").handler(keys.require(Scope.CONTACTS)), this::delete);
    // A client app reaches these with a user token for the user the path names.
    blocking(
        router.post("/v1/users/:id/devices").handler(keys.requireOrUser("id", Scope.CONTACTS)),
        this::addDevice);
    blocking(
        router.delete("/v1/users/:id/devices").handler(keys.requireOrUser("id", Scope.CONTACTS)),
        this::removeDevice);
    blocking(
        router.put("/v1/users/:id/preferences").handler(keys.requireOrUser("id", Scope.CONTACTS)),
        this::putPreferences);
    blocking(
        router
            .get("/v1/users/:id/preferences")
            .handler(keys.requireOrUser("id", Scope.CONTACTS, Scope.READ)),
        this::getPreferences);
  }

  private void put(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = ctx.pathParam("id");
    JsonBody body = JsonBody.read(ctx, UserFields.NAMES);
    if (!ContactFormats.userId(id)) {
      body.error("id", "must match " + ContactFormats.USER_ID);
    }
    UserFields user = UserFields.read(body);
    body.validOrThrow();
    boolean created =
        contacts.upsertUser(
            tenant,
            id,
            user.email(),
            user.phone(),
            user.locale(),
            user.timeZone(),
            user.attributes());
    json(ctx, created ? 201 : 200, view(contacts.user(tenant, id).orElseThrow()));
  }

  private void get(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    json(
        ctx,
        200,
        view(contacts.user(tenant, userId(ctx)).orElseThrow(() -> Problem.notFound("user"))));
  }

  private void delete(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = userId(ctx);
    if (!contacts.deleteUser(tenant, id)) {
      throw Problem.notFound("user");
    }
    preferences.invalidate(tenant, id);
    noContent(ctx);
  }

  private DeviceFields device(RoutingContext ctx, DeviceFields.Purpose purpose) {
    JsonBody body = JsonBody.read(ctx, DeviceFields.NAMES);
    DeviceFields device = DeviceFields.read(body, webPushEndpoints, purpose);
    body.validOrThrow();
    return device;
  }

  private void addDevice(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = userId(ctx);
    DeviceFields d = device(ctx, DeviceFields.Purpose.REGISTER);
    if (!contacts.addDevice(tenant, id, d.platform(), d.token(), d.webPushKeys())) {
      throw Problem.notFound("user");
    }
    json(
        ctx,
        201,
        Json.MAPPER.createObjectNode().put("platform", d.platform()).put("token", d.token()));
  }

  private void removeDevice(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = userId(ctx);
    DeviceFields d = device(ctx, DeviceFields.Purpose.REMOVE);
    if (!contacts.removeDevice(tenant, id, d.platform(), d.token())) {
      throw Problem.notFound("device");
    }
    noContent(ctx);
  }

  private void putPreferences(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = userId(ctx);
    JsonBody body = JsonBody.read(ctx, PREFERENCE_FIELDS);
    Boolean optedOutOfAll = body.bool("optedOutOfAll", false);
    List<Preference> list = new ArrayList<>();
    JsonNode items = body.node().get("preferences");
    if (items != null && !items.isNull() && !items.isArray()) {
      body.error("preferences", "must be an array");
    } else if (items != null && items.size() > 200) {
      body.error("preferences", "at most 200 entries");
    } else if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        String at = "preferences[" + i + "]";
        if (!items.get(i).isObject()) {
          body.error(at, "must be an object");
          continue;
        }
        JsonBody item = JsonBody.of(items.get(i), at + ".", body, PREFERENCE_ITEM_FIELDS);
        String channel = item.string("channel", true, 8);
        if (channel != null && !CHANNELS.contains(channel)) {
          item.error("channel", "must be one of email, sms, push, *");
        }
        String category = item.string("category", true, 63);
        if (category != null
            && !Preference.ANY.equals(category)
            && !category.matches(Patterns.CATEGORY)) {
          item.error("category", "must be * or match " + Patterns.CATEGORY);
        }
        Boolean optedIn = item.bool("optedIn", true);
        if (channel != null && category != null && optedIn != null) {
          list.add(new Preference(channel, category, optedIn));
        }
      }
    }
    if (list.stream().map(p -> p.channel() + "/" + p.category()).distinct().count() < list.size()) {
      body.error("preferences", "a channel × category appears twice");
    }
    if (Boolean.TRUE.equals(optedOutOfAll)) {
      if (list.stream()
          .anyMatch(
              p -> Preference.ANY.equals(p.channel()) && Preference.ANY.equals(p.category()))) {
        body.error("optedOutOfAll", "conflicts with a * × * preference");
      }
      list.add(new Preference(Preference.ANY, Preference.ANY, false));
    }
    body.validOrThrow();
    if (!contacts.replacePreferences(tenant, id, list)) {
      throw Problem.notFound("user");
    }
    preferences.invalidate(tenant, id);
    json(ctx, 200, preferencesView(list));
  }

  private void getPreferences(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String id = userId(ctx);
    if (contacts.user(tenant, id).isEmpty()) {
      throw Problem.notFound("user");
    }
    json(
        ctx,
        200,
        preferencesView(contacts.preferences(tenant, List.of(id)).getOrDefault(id, List.of())));
  }

  private static ObjectNode preferencesView(List<Preference> list) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put(
        "optedOutOfAll",
        list.stream()
            .anyMatch(
                p ->
                    Preference.ANY.equals(p.channel())
                        && Preference.ANY.equals(p.category())
                        && !p.optedIn()));
    ArrayNode items = out.putArray("preferences");
    list.stream()
        .filter(p -> !(Preference.ANY.equals(p.channel()) && Preference.ANY.equals(p.category())))
        .forEach(
            p ->
                items
                    .addObject()
                    .put("channel", p.channel())
                    .put("category", p.category())
                    .put("optedIn", p.optedIn()));
    return out;
  }

  private static ObjectNode view(UserRecord u) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", u.userId());
    out.put("email", u.email());
    out.put("phone", u.phone());
    out.put("locale", u.locale());
    out.put("timeZone", u.timeZone());
    out.set("attributes", u.attributes());
    ArrayNode devices = out.putArray("devices");
    u.devices()
        .forEach(
            d -> {
              ObjectNode dev =
                  devices
                      .addObject()
                      .put("platform", d.platform())
                      .put("token", d.token())
                      .put("active", d.active());
              if (d.invalidatedReason() != null) {
                dev.put("invalidatedReason", d.invalidatedReason());
              }
            });
    return out;
  }
}

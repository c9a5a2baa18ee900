package dev.herald.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.core.config.StoreSettings;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, with the schema migrated on open. */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    // Statement failures are logged: their message names the statement's failure, never the values
    // bound to it (addresses, tokens).
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
  }

  /** Opens the pool and applies pending migrations; several replicas may do so at once. */
  public static Database open(StoreSettings settings, String poolName) {
    HikariDataSource ds = new HikariDataSource(config(settings, poolName));
    try {
      var result =
          Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info(
            "applied {} schema migration(s), now at version {}",
            result.migrationsExecuted,
            result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds);
  }

  /**
   * Opens a further pool of {@code size} connections to a database {@link #open} has migrated: work
   * that must not wait behind the main pool's (the relay behind API requests) gets its own.
   */
  public static Database openSecond(StoreSettings settings, String poolName, int size) {
    StoreSettings sized =
        new StoreSettings(
            settings.jdbcUrl(),
            settings.user(),
            settings.password(),
            size,
            settings.connectTimeout(),
            settings.socketTimeout());
    return new Database(new HikariDataSource(config(sized, poolName)));
  }

  private static HikariConfig config(StoreSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setPoolName(poolName);
    config.setConnectionTimeout(settings.connectTimeout().toMillis());
    config.addDataSourceProperty(
        "connectTimeout", String.valueOf(Math.max(1, settings.connectTimeout().toSeconds())));
    // A paused or unreachable server must not hold a thread (and the work it holds) for ever.
    config.addDataSourceProperty(
        "socketTimeout", String.valueOf(settings.socketTimeout().toSeconds()));
    // Batched inserts of deliveries become multi-row INSERTs.
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", poolName);
    // Postgres' "Detail: Key (…)=(…)" and "Failing row contains (…)" quote addresses and tokens.
    config.addDataSourceProperty("logServerErrorDetail", "false");
    return config;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}

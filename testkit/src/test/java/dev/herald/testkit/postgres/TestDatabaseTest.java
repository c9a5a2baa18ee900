package dev.herald.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TestDatabaseTest {

  private static boolean exists(String name) throws SQLException {
    try (TestDatabase probe = TestDatabase.create("probe");
        Connection c = probe.connect();
        PreparedStatement st =
            c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  @Test
  void namesFollowTheHintAndFitPostgresLimit() {
    assertThat(TestDatabase.newName("OrderStoreIT")).matches("herald_orderstoreit_[a-z0-9]{10}");
    assertThat(TestDatabase.newName("Store IT / nested$Class"))
        .matches("herald_store_it_nested_class_[a-z0-9]{10}");
    assertThat(TestDatabase.newName("")).matches("herald_db_[a-z0-9]{10}");
    assertThat(TestDatabase.newName(null)).matches("herald_db_[a-z0-9]{10}");
    String longName = TestDatabase.newName("x".repeat(200));
    assertThat(longName).hasSizeLessThanOrEqualTo(63).matches("herald_x+_[a-z0-9]{10}");
    assertThat(TestDatabase.newName("a")).isNotEqualTo(TestDatabase.newName("a"));
  }

  @Test
  void twoDatabasesAreIsolated() throws SQLException {
    try (TestDatabase one = TestDatabase.create("Isolation");
        TestDatabase two = TestDatabase.create("Isolation")) {
      assertThat(one.name()).isNotEqualTo(two.name()).startsWith("herald_isolation_");
      assertThat(one.jdbcUrl()).endsWith("/" + one.name());
      assertThat(one.user()).isNotBlank();
      assertThat(one.password()).isNotNull();

      try (Connection c = DriverManager.getConnection(one.jdbcUrl(), one.user(), one.password());
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE delivery (id bigint PRIMARY KEY, state text NOT NULL)");
        st.execute("INSERT INTO delivery VALUES (1, 'sent')");
        try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo(one.name());
        }
      }
      try (Connection c = two.connect();
          Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeQuery("SELECT * FROM delivery"))
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("42P01"); // undefined_table
        st.execute("CREATE TABLE delivery (id bigint PRIMARY KEY)"); // no clash with one's table
      }
    }
  }

  @Test
  void closeDropsTheDatabaseEvenWithConnectionsOpen() throws SQLException {
    TestDatabase db = TestDatabase.create("Drop");
    String name = db.name();
    assertThat(exists(name)).isTrue();
    try (Connection open = db.connect()) {
      db.close(); // WITH (FORCE) ends the open session
      assertThat(exists(name)).isFalse();
      assertThat(open.isValid(2)).isFalse();
    }
    db.close(); // idempotent
    assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
  }
}

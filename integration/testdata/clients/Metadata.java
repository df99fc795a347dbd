// Metadata.java: pgjdbc's DatabaseMetaData against fakeshift, for
// integration/dialect_clients_test.go. The test compiles it with javac and runs it with
// /usr/share/java/postgresql.jar.
//
// Connection from the environment: FS_HOST, FS_PORT, FS_USER, FS_PASSWORD, FS_DATABASE
// (sslmode=disable). Arguments: the schema and a table of it. Prints one line per result row,
// "<call>|<value>|<value>...", for getSchemas(), getTables(null, schema, "%", {"TABLE"}),
// getColumns(null, schema, table, "%") (name, type name, size, decimal digits, nullable,
// position) and getPrimaryKeys(null, schema, table), and exits 0; a failure is printed as
// "error|<call>|<SQLSTATE>|<message>" and exits 1.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

public class Metadata {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("FS_HOST") + ":" + System.getenv("FS_PORT") + "/"
            + System.getenv("FS_DATABASE") + "?sslmode=disable&connectTimeout=10";
        Properties props = new Properties();
        props.setProperty("user", System.getenv("FS_USER"));
        props.setProperty("password", System.getenv("FS_PASSWORD"));
        String schema = args[0], table = args[1];
        String call = "connect";
        try (Connection conn = DriverManager.getConnection(url, props)) {
            DatabaseMetaData md = conn.getMetaData();
            call = "getSchemas";
            print(call, md.getSchemas(), "TABLE_SCHEM");
            call = "getTables";
            print(call, md.getTables(null, schema, "%", new String[] {"TABLE"}), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
            call = "getColumns";
            print(call, md.getColumns(null, schema, table, "%"), "COLUMN_NAME", "TYPE_NAME", "COLUMN_SIZE",
                "DECIMAL_DIGITS", "IS_NULLABLE", "ORDINAL_POSITION");
            call = "getPrimaryKeys";
            print(call, md.getPrimaryKeys(null, schema, table), "COLUMN_NAME", "KEY_SEQ", "PK_NAME");
        } catch (SQLException e) {
            System.out.println("error|" + call + "|" + e.getSQLState() + "|" + e.getMessage().replace('\n', ' '));
            System.exit(1);
        }
    }

    static void print(String call, ResultSet rs, String... cols) throws SQLException {
        while (rs.next()) {
            StringBuilder b = new StringBuilder(call);
            for (String c : cols) {
                b.append('|').append(rs.getString(c));
            }
            System.out.println(b);
        }
        rs.close();
    }
}

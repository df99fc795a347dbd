// Client.java: one session of pgjdbc (Debian's libpostgresql-jdbc-java) against fakeshift,
// for the Go client matrix (integration/clients_matrix_test.go). The test compiles it with
// javac into a temporary directory and runs it with /usr/share/java/postgresql.jar.
//
// Connection from the environment: FS_HOST, FS_PORT, FS_USER, FS_PASSWORD, FS_DATABASE,
// FS_SSL ("1": ssl=true, sslmode=verify-full with the NonValidatingFactory: the certificate
// must name FS_HOST, its chain is not checked; else sslmode=disable), FS_APPNAME
// (optional, the ApplicationName property), FS_URL_PARAMS (optional, more URL parameters,
// e.g. "assumeMinServerVersion=9.0"). Each argument is one statement: its SQL, then its
// parameters, separated by U+001F; a statement with parameters is a PreparedStatement (setString),
// one without a Statement. The connection is in autocommit mode (JDBC's default). Prints one
// JSON object: {"driver", "error" (the refused connection, or null),
// "results": [{"rows": [[text or null, ...]], "error"}]} and exits 0.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

public class Client {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + env("FS_HOST") + ":" + env("FS_PORT") + "/" + env("FS_DATABASE") + "?"
            + ("1".equals(System.getenv("FS_SSL")) ? "ssl=true&sslmode=verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory" : "sslmode=disable")
            + "&connectTimeout=10";
        String extra = System.getenv("FS_URL_PARAMS");
        if (extra != null && !extra.isEmpty()) {
            url += "&" + extra;
        }
        Properties props = new Properties();
        props.setProperty("user", env("FS_USER"));
        props.setProperty("password", env("FS_PASSWORD"));
        String app = System.getenv("FS_APPNAME");
        if (app != null && !app.isEmpty()) {
            props.setProperty("ApplicationName", app);
        }
        StringBuilder out = new StringBuilder("{\"driver\":");
        quote(out, "pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION);
        Connection conn;
        try {
            conn = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            out.append(",\"error\":");
            error(out, e);
            System.out.println(out.append(",\"results\":[]}"));
            return;
        }
        out.append(",\"error\":null,\"results\":[");
        for (int i = 0; i < args.length; i++) {
            String[] parts = args[i].split("\u001f", -1);
            out.append(i == 0 ? "{" : ",{");
            try {
                Statement st;
                boolean hasRows;
                if (parts.length > 1) {
                    PreparedStatement ps = conn.prepareStatement(parts[0]);
                    for (int p = 1; p < parts.length; p++) {
                        ps.setString(p, parts[p]);
                    }
                    st = ps;
                    hasRows = ps.execute();
                } else {
                    st = conn.createStatement();
                    hasRows = st.execute(parts[0]);
                }
                out.append("\"rows\":[");
                if (hasRows) {
                    ResultSet rs = st.getResultSet();
                    int n = rs.getMetaData().getColumnCount();
                    for (int row = 0; rs.next(); row++) {
                        out.append(row == 0 ? "[" : ",[");
                        for (int c = 1; c <= n; c++) {
                            if (c > 1) {
                                out.append(',');
                            }
                            quote(out, rs.getString(c));
                        }
                        out.append(']');
                    }
                }
                st.close();
                out.append("],\"error\":null}");
            } catch (SQLException e) {
                out.append("\"rows\":[],\"error\":");
                error(out, e);
                out.append('}');
            }
        }
        conn.close();
        System.out.println(out.append("]}"));
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return v;
    }

    static void error(StringBuilder out, SQLException e) {
        String severity = "", message = e.getMessage();
        if (e instanceof PSQLException && ((PSQLException) e).getServerErrorMessage() != null) {
            ServerErrorMessage m = ((PSQLException) e).getServerErrorMessage();
            severity = m.getSeverity();
            message = m.getMessage();
        }
        out.append("{\"severity\":");
        quote(out, severity);
        out.append(",\"code\":");
        quote(out, e.getSQLState());
        out.append(",\"message\":");
        quote(out, message);
        out.append('}');
    }

    static void quote(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
            }
        }
        out.append('"');
    }
}

"""client.py: one session of psycopg2 against fakeshift, for the Go client matrix
(integration/clients_matrix_test.go). Run it with /usr/bin/python3 (Debian's
python3-psycopg2 installs for that interpreter only).

Connection from the environment: FS_HOST, FS_PORT, FS_USER, FS_PASSWORD, FS_DATABASE,
FS_SSL ("1": sslmode=require, else disable), FS_APPNAME (optional). Each argument is one
statement: its SQL, then its parameters, separated by U+001F (psycopg2 puts parameters into
the text on the client side, as %s). The session is in autocommit mode, so psycopg2 sends
no BEGIN. Prints one JSON object: {"driver", "error" (the refused connection, or null),
"results": [{"rows": [[text or None, ...]], "error"}]} and exits 0.
"""
import json
import os
import sys

import psycopg2


def pg_error(e):
    diag = getattr(e, "diag", None)
    return {
        "severity": (diag and diag.severity) or "",
        "code": getattr(e, "pgcode", None) or "",
        # A refused connection carries no diagnostics: libpq's whole text is the message.
        "message": (diag and diag.message_primary) or str(e).strip(),
    }


def text(v):
    return None if v is None else str(v)


def main():
    env = os.environ
    dsn = dict(host=env["FS_HOST"], port=env["FS_PORT"], user=env["FS_USER"], password=env["FS_PASSWORD"],
               dbname=env["FS_DATABASE"], sslmode="require" if env.get("FS_SSL") == "1" else "disable",
               connect_timeout=10)
    if env.get("FS_APPNAME"):
        dsn["application_name"] = env["FS_APPNAME"]
    out = {"driver": "psycopg2 " + psycopg2.__version__.split()[0], "error": None, "results": []}
    try:
        conn = psycopg2.connect(**dsn)
    except psycopg2.Error as e:
        out["error"] = pg_error(e)
        print(json.dumps(out))
        return
    conn.autocommit = True
    for arg in sys.argv[1:]:
        sql, *params = arg.split("\x1f")
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params or None)
                rows = cur.fetchall() if cur.description else []
            out["results"].append({"rows": [[text(v) for v in row] for row in rows], "error": None})
        except psycopg2.Error as e:
            out["results"].append({"rows": [], "error": pg_error(e)})
    conn.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()

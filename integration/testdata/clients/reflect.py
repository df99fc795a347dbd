"""reflect.py: SQLAlchemy's PostgreSQL dialect (Debian's python3-sqlalchemy, with psycopg2)
connecting to fakeshift and reflecting a table, for integration/dialect_clients_test.go.

Connection from the environment: FS_HOST, FS_PORT, FS_USER, FS_PASSWORD, FS_DATABASE
(sslmode=disable). Arguments: the schema and a table of it. Prints one line per fact,
"<call>|<value>|<value>...": get_schema_names, get_table_names(schema),
get_columns(table, schema) (name, type, nullable), get_pk_constraint(table, schema)
(columns, name); exits 0, or prints "error|<message>" and exits 1.
"""
import os
import sys

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL


def main():
    schema, table = sys.argv[1], sys.argv[2]
    url = URL.create("postgresql+psycopg2", username=os.environ["FS_USER"], password=os.environ["FS_PASSWORD"],
                     host=os.environ["FS_HOST"], port=int(os.environ["FS_PORT"]), database=os.environ["FS_DATABASE"],
                     query={"sslmode": "disable"})
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        for s in insp.get_schema_names():
            print("get_schema_names|" + s)
        for t in insp.get_table_names(schema=schema):
            print("get_table_names|" + t)
        for c in insp.get_columns(table, schema=schema):
            print("get_columns|%s|%s|%s" % (c["name"], c["type"], c["nullable"]))
        pk = insp.get_pk_constraint(table, schema=schema)
        print("get_pk_constraint|%s|%s" % (",".join(pk["constrained_columns"]), pk["name"]))
    except Exception as e:  # the test shows what failed
        print("error|" + str(e).replace("\n", " "))
        sys.exit(1)
    finally:
        engine.dispose()


main()

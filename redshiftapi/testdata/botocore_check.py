#!/usr/bin/env python3
"""Parse fakeshift's golden XML responses with botocore, against the real models.

Reads a JSON request on stdin:

    {"responses": [{"file": "...xml", "service": "redshift", "operation": "CreateCluster",
                    "status": 200}, ...],
     "codes": {"redshift": ["ClusterNotFound", ...]}}

and prints a JSON answer on stdout:

    {"botocore": "1.43.11",
     "responses": [{"parsed": {...}, "request_id": "...", "error": {...} | null,
                    "exception": "ClusterNotFoundFault" | null}, ...],
     "codes": {"redshift": {"ClusterNotFound": "ClusterNotFoundFault", ...}}}

parsed is botocore's output dict without ResponseMetadata, with timestamps as
YYYY-MM-DDTHH:MM:SS.ffffffZ strings. exception is the class botocore's client maps the
error code to (client.exceptions.from_code), "ClientError" when the code is not modeled.
No network is used. Invoked by xml_test.go (TestBotocoreParsesGoldenResponses).
"""
import datetime
import json
import sys

import botocore
import botocore.session
from botocore.parsers import create_parser


def plain(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def main():
    req = json.load(sys.stdin)
    session = botocore.session.get_session()
    parser = create_parser("query")
    clients = {}

    def client(service):
        if service not in clients:
            clients[service] = session.create_client(
                service, region_name="us-east-1",
                aws_access_key_id="test", aws_secret_access_key="test")
        return clients[service]

    out = {"botocore": botocore.__version__, "responses": [], "codes": {}}
    for case in req.get("responses", []):
        model = session.get_service_model(case["service"])
        op = model.operation_model(case["operation"])
        with open(case["file"], "rb") as f:
            body = f.read()
        response = {
            "status_code": case["status"],
            "headers": {"x-amzn-requestid": "from-header", "content-type": "text/xml"},
            "body": body,
        }
        parsed = parser.parse(response, op.output_shape)
        meta = parsed.pop("ResponseMetadata", {})
        error = parsed.pop("Error", None)
        exception = None
        if error is not None:
            try:
                exception = client(case["service"]).exceptions.from_code(error.get("Code")).__name__
            except Exception as e:  # noqa: BLE001
                exception = "lookup failed: %r" % e
        out["responses"].append({
            "parsed": plain(parsed),
            "request_id": meta.get("RequestId"),
            "error": error,
            "exception": exception,
        })
    for service, codes in req.get("codes", {}).items():
        c = client(service)
        out["codes"][service] = {code: c.exceptions.from_code(code).__name__ for code in codes}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

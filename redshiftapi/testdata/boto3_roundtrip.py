#!/usr/bin/env python3
"""Drive a test server built on redshiftapi with a real boto3 client.

Usage: boto3_roundtrip.py <endpoint-url>

Makes the calls below against the endpoint (signed with the key test/test, no retries) and
prints one JSON object: for each call, the parsed response (without ResponseMetadata, with
the request id) or the error (code, message, the exception class boto3 raised, and the HTTP
status). Invoked by clients_test.go (TestBoto3RoundTrip).
"""
import datetime
import json
import sys

import boto3
import botocore
from botocore.config import Config


def plain(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def main():
    endpoint = sys.argv[1]
    kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test",
              aws_secret_access_key="test",
              config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    redshift = boto3.client("redshift", **kw)
    sts = boto3.client("sts", **kw)

    calls = [
        ("describe_logging_status", lambda: redshift.describe_logging_status(ClusterIdentifier="c1")),
        ("describe_logging_status_missing", lambda: redshift.describe_logging_status(ClusterIdentifier="nope")),
        ("enable_logging", lambda: redshift.enable_logging(
            ClusterIdentifier="c1", BucketName="audit-bucket", S3KeyPrefix="audit/",
            LogDestinationType="s3", LogExports=["connectionlog", "userlog"])),
        ("enable_logging_bad_bucket", lambda: redshift.enable_logging(ClusterIdentifier="c1", BucketName="Bad_Bucket")),
        ("create_cluster", lambda: redshift.create_cluster(
            ClusterIdentifier="My-Cluster", NodeType="ra3.large", MasterUsername="awsuser",
            MasterUserPassword="Passw0rd", ClusterType="single-node",
            Tags=[{"Key": "env", "Value": "test"}])),
        ("create_cluster_bad_password", lambda: redshift.create_cluster(
            ClusterIdentifier="c2", NodeType="ra3.large", MasterUsername="awsuser",
            MasterUserPassword="Pf66bench@1")),
        ("modify_cluster_parameter_group", lambda: redshift.modify_cluster_parameter_group(
            ParameterGroupName="pg1",
            Parameters=[{"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"}])),
        ("modify_cluster_parameter_group_unknown", lambda: redshift.modify_cluster_parameter_group(
            ParameterGroupName="pg1", Parameters=[{"ParameterName": "nope", "ParameterValue": "1"}])),
        ("delete_cluster_parameter_group", lambda: redshift.delete_cluster_parameter_group(ParameterGroupName="pg1")),
        ("get_cluster_credentials", lambda: redshift.get_cluster_credentials(
            ClusterIdentifier="c1", DbUser="alice", AutoCreate=True, DbGroups=["g1"])),
        ("get_caller_identity", lambda: sts.get_caller_identity()),
    ]
    out = {"boto3": boto3.__version__, "botocore": botocore.__version__}
    for name, call in calls:
        try:
            resp = call()
            meta = resp.pop("ResponseMetadata", {})
            out[name] = {"result": plain(resp), "request_id": meta.get("RequestId"),
                         "status": meta.get("HTTPStatusCode")}
        except botocore.exceptions.ClientError as e:
            out[name] = {"error": e.response.get("Error"), "exception": type(e).__name__,
                         "request_id": e.response.get("ResponseMetadata", {}).get("RequestId"),
                         "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

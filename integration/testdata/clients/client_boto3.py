"""client_boto3.py: boto3 against fakeshift's Redshift API and S3, for the Go client matrix
(integration/clients_aws_test.go). The endpoint (AWS_ENDPOINT_URL) and keys come from the AWS_*
environment; the endpoint, region and path-style addressing are passed to boto3 explicitly, as
boto3 before 1.28 (Debian 12's python3-boto3 is 1.26) ignores AWS_ENDPOINT_URL.

  client_boto3.py enable BUCKET PREFIX POLICY  make the bucket, put the policy, enable logging
                                               on the default cluster; prints the status
  client_boto3.py read BUCKET                  prints {"<log type>": [lines]} of every file
  client_boto3.py status                       prints DescribeLoggingStatus, or {"error": code}

Every command prints one JSON object and exits 0; any other exit is a bug.
"""
import gzip
import json
import os
import re
import sys

import boto3
import botocore.exceptions
from botocore.config import Config

CLUSTER = "fakeshift"
ENDPOINT = os.environ["AWS_ENDPOINT_URL"]


def client(name):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name="us-east-1",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def main():
    cmd = sys.argv[1]
    if cmd == "enable":
        bucket, prefix, policy = sys.argv[2:5]
        s3 = client("s3")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        st = client("redshift").enable_logging(ClusterIdentifier=CLUSTER, BucketName=bucket, S3KeyPrefix=prefix,
                                               LogExports=["connectionlog", "userlog"])
        st.pop("ResponseMetadata", None)
        print(json.dumps(st, default=str))
    elif cmd == "read":
        bucket = sys.argv[2]
        s3 = client("s3")
        out = {}
        for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            typ = re.search(r"_(connectionlog|userlog|useractivitylog)_", o["Key"]).group(1)
            body = gzip.decompress(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()).decode()
            out.setdefault(typ, []).extend(body.splitlines())
        print(json.dumps(out))
    elif cmd == "status":
        try:
            st = client("redshift").describe_logging_status(ClusterIdentifier=CLUSTER)
            st.pop("ResponseMetadata", None)
            print(json.dumps(st, default=str))
        except botocore.exceptions.ClientError as e:
            print(json.dumps({"error": e.response["Error"]["Code"]}))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()

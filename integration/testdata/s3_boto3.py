"""boto3 against fakeshift's S3: run by integration/s3_test.go with AWS_ENDPOINT_URL set."""
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
OWNER_CANONICAL = None


def client(key, secret):
    return boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


owner = client("test", "test")
other = client("other", "other")
bucket = "boto3-bucket"

owner.create_bucket(Bucket=bucket)
owner.put_object(Bucket=bucket, Key="a.txt", Body=b"hello boto3")
assert owner.get_object(Bucket=bucket, Key="a.txt")["Body"].read() == b"hello boto3"

# Multipart through the transfer manager: 12 MiB in 5 MiB parts.
data = os.urandom(12 << 20)
from boto3.s3.transfer import TransferConfig
import io
owner.upload_fileobj(io.BytesIO(data), bucket, "big.bin",
                     Config=TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20))
head = owner.head_object(Bucket=bucket, Key="big.bin")
assert head["ETag"].endswith('-3"'), head["ETag"]
assert head["ContentLength"] == len(data)
assert owner.get_object(Bucket=bucket, Key="big.bin")["Body"].read() == data

keys = [o["Key"] for o in owner.list_objects_v2(Bucket=bucket)["Contents"]]
assert keys == ["a.txt", "big.bin"], keys

acl = owner.get_bucket_acl(Bucket=bucket)
assert len(acl["Owner"]["ID"]) == 64, acl
assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"

assert code(other.get_object, Bucket=bucket, Key="a.txt") == "AccessDenied"
assert code(owner.get_bucket_policy, Bucket=bucket) == "NoSuchBucketPolicy"
policy = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{bucket}/*"}]}
owner.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
assert json.loads(owner.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
assert other.get_object(Bucket=bucket, Key="a.txt")["Body"].read() == b"hello boto3"
assert code(other.put_object, Bucket=bucket, Key="b", Body=b"x") == "AccessDenied"

bad = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::elsewhere/*"}]}
assert code(owner.put_bucket_policy, Bucket=bucket, Policy=json.dumps(bad)) == "MalformedPolicy"

assert code(client("test", "wrong").list_buckets) == "SignatureDoesNotMatch"
assert code(client("nobody", "x").list_buckets) == "InvalidAccessKeyId"
assert code(owner.get_bucket_tagging, Bucket=bucket) == "NoSuchTagSet"
assert code(owner.get_object_lock_configuration, Bucket=bucket) == "ObjectLockConfigurationNotFoundError"
# Versioning.
assert "Status" not in owner.get_bucket_versioning(Bucket=bucket)
owner.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
assert owner.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
v1 = owner.put_object(Bucket=bucket, Key="v.txt", Body=b"one")["VersionId"]
v2 = owner.put_object(Bucket=bucket, Key="v.txt", Body=b"two")["VersionId"]
assert v1 != v2
versions = owner.list_object_versions(Bucket=bucket, Prefix="v.txt")["Versions"]
assert [v["VersionId"] for v in versions] == [v2, v1], versions
assert versions[0]["IsLatest"] and not versions[1]["IsLatest"]
assert owner.get_object(Bucket=bucket, Key="v.txt", VersionId=v1)["Body"].read() == b"one"
assert owner.head_object(Bucket=bucket, Key="v.txt", VersionId=v1)["ContentLength"] == 3
marker = owner.delete_object(Bucket=bucket, Key="v.txt")
assert marker["DeleteMarker"] is True
assert code(owner.get_object, Bucket=bucket, Key="v.txt") == "NoSuchKey"
owner.delete_object(Bucket=bucket, Key="v.txt", VersionId=marker["VersionId"])
assert owner.get_object(Bucket=bucket, Key="v.txt")["Body"].read() == b"two"
print("boto3 S3 checks passed")

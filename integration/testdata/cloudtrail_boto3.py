"""boto3 against fakeshift's CloudTrail: run by integration/cloudtrail_boto3_test.go.

A trail, Redshift calls (one failing, logging on and off), S3 bucket calls; lookup_events by
each attribute kind, paged, by time range, and its error classes; then a flush, and the
records in the trail's files equal lookup_events' CloudTrailEvent field for field.
"""
import datetime
import gzip
import json
import os
import re
import time
import urllib.request

import boto3
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
ACCOUNT = "123456789012"
kw = dict(endpoint_url=ENDPOINT, region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
rs = boto3.client("redshift", **kw)
s3 = boto3.client("s3", **kw)
ct = boto3.client("cloudtrail", **kw)

# What each call answered: name -> list of request ids, in call order.
request_ids = {}


def called(name, resp):
    request_ids.setdefault(name, []).append(resp["ResponseMetadata"]["RequestId"])
    return resp


def fails(name, code, fn, **params):
    try:
        fn(**params)
    except ct.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        request_ids.setdefault(name, []).append(e.response["ResponseMetadata"]["RequestId"])
        return e
    raise AssertionError(f"{name} {params} did not fail")


def tick():
    """Lets the clock pass a second boundary: lookup time ranges are in whole seconds."""
    time.sleep(1.1)
    t = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    time.sleep(1.1)
    return t


def trail_policy(bucket):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]})


# The trail.
s3.create_bucket(Bucket="boto-trail")
s3.put_bucket_policy(Bucket="boto-trail", Policy=trail_policy("boto-trail"))
created = ct.create_trail(Name="boto-trail", S3BucketName="boto-trail", EnableLogFileValidation=True)
assert created["TrailARN"] == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/boto-trail", created
try:
    ct.create_trail(Name="boto-trail", S3BucketName="boto-trail")
    raise AssertionError("a second trail of the same name")
except ct.exceptions.TrailAlreadyExistsException:
    pass
called("StartLogging", ct.start_logging(Name="boto-trail"))
assert ct.get_trail_status(Name="boto-trail")["IsLogging"] is True
t_start = tick()

# Redshift calls: one fails; logging on and off.
called("CreateCluster", rs.create_cluster(
    ClusterIdentifier="boto-ct", NodeType="ra3.large", MasterUsername="admin", MasterUserPassword="Secret0Pass",
    ClusterType="single-node", DBName="mydb"))
fails("DescribeClusters", "ClusterNotFound", rs.describe_clusters, ClusterIdentifier="nope")
s3.create_bucket(Bucket="boto-audit")
s3.put_bucket_policy(Bucket="boto-audit", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": ["s3:PutObject", "s3:GetBucketAcl"],
     "Resource": ["arn:aws:s3:::boto-audit", "arn:aws:s3:::boto-audit/*"]}]}))
called("EnableLogging", rs.enable_logging(ClusterIdentifier="boto-ct", BucketName="boto-audit", S3KeyPrefix="audit/"))
called("DisableLogging", rs.disable_logging(ClusterIdentifier="boto-ct"))
called("DeleteCluster", rs.delete_cluster(ClusterIdentifier="boto-ct", SkipFinalClusterSnapshot=True))
t_mid = tick()

# S3 bucket calls.
called("CreateBucket", s3.create_bucket(Bucket="boto-calls"))
called("PutBucketPolicy", s3.put_bucket_policy(Bucket="boto-calls", Policy=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
                                            "Resource": "arn:aws:s3:::boto-calls"}]})))
called("DeleteBucketPolicy", s3.delete_bucket_policy(Bucket="boto-calls"))
called("PutBucketOwnershipControls", s3.put_bucket_ownership_controls(
    Bucket="boto-calls", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}))
called("PutBucketAcl", s3.put_bucket_acl(Bucket="boto-calls", ACL="private"))
called("PutBucketEncryption", s3.put_bucket_encryption(Bucket="boto-calls", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}))
t_end = tick()
S3_CALLS = ["CreateBucket", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketOwnershipControls", "PutBucketAcl",
            "PutBucketEncryption"]
REDSHIFT_CALLS = ["CreateCluster", "DescribeClusters", "EnableLogging", "DisableLogging", "DeleteCluster"]


def lookup(key=None, value=None, **params):
    """Every event lookup_events gives up to t_end (so that lookups do not find each other),
    newest first, paging with boto3's paginator."""
    if key:
        params["LookupAttributes"] = [{"AttributeKey": key, "AttributeValue": value}]
    params.setdefault("EndTime", t_end)
    events = []
    for page in ct.get_paginator("lookup_events").paginate(**params):
        events.extend(page["Events"])
    return events


def records(events):
    return [json.loads(e["CloudTrailEvent"]) for e in events]


everything = lookup()
assert len(everything) < 50, len(everything)
by_id = {e["EventId"]: e for e in everything}
assert len(by_id) == len(everything), "no duplicate"
times = [e["EventTime"] for e in everything]
assert times == sorted(times, reverse=True), "newest first"

# Each call is found by its name, once, with the request id its caller got.
for name, ids in request_ids.items():
    found = records(lookup("EventName", name))
    found = [r for r in found if r["requestID"] in ids]
    assert len(found) == len(ids), (name, ids, found)
    for rec in found:
        assert rec["eventName"] == name
        assert rec["recipientAccountId"] == ACCOUNT
        assert rec["eventType"] == "AwsApiCall" and rec["eventCategory"] == "Management", rec
        assert rec["managementEvent"] is True
        assert rec["awsRegion"] == "us-east-1"
        assert rec["userIdentity"]["type"] == "Root", rec["userIdentity"]
        assert rec["userIdentity"]["accessKeyId"] == os.environ["AWS_ACCESS_KEY_ID"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["eventTime"]), rec["eventTime"]
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", rec["eventID"])
        assert "Boto3/" in rec["userAgent"], rec["userAgent"]
        assert rec["sourceIPAddress"] == "127.0.0.1"

(create,) = records(lookup("EventName", "CreateCluster"))
assert create["eventSource"] == "redshift.amazonaws.com"
assert create["readOnly"] is False
assert create["requestParameters"]["masterUserPassword"] == "****"
assert create["requestParameters"]["dBName"] == "mydb"
assert create["requestParameters"]["clusterIdentifier"] == "boto-ct"
assert create["responseElements"]["clusterStatus"] == "creating"
assert create["responseElements"]["pendingModifiedValues"]["masterUserPassword"] == "****"
assert "Secret0Pass" not in json.dumps(create)
for k, v in create["responseElements"].items():
    if k.endswith("Time") or k.endswith("Date"):
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d\d:\d\d [AP]M", v), (k, v)
(delete,) = records(lookup("EventName", "DeleteCluster"))
assert delete["responseElements"] is None
assert delete["requestParameters"] == {"clusterIdentifier": "boto-ct", "skipFinalClusterSnapshot": True}, delete
(failed,) = [r for r in records(lookup("EventName", "DescribeClusters")) if "errorCode" in r]
assert failed["errorCode"] == "ClusterNotFound" and failed["errorMessage"] == "Cluster nope not found.", failed
assert failed["readOnly"] is True and failed["responseElements"] is None
(enable,) = records(lookup("EventName", "EnableLogging"))
assert enable["responseElements"]["loggingEnabled"] is True and enable["responseElements"]["bucketName"] == "boto-audit"
assert enable["requestParameters"] == {"clusterIdentifier": "boto-ct", "bucketName": "boto-audit", "s3KeyPrefix": "audit/"}
(disable,) = records(lookup("EventName", "DisableLogging"))
assert disable["readOnly"] is False and disable["responseElements"]["loggingEnabled"] is False, disable
(policy,) = [r for r in records(lookup("EventName", "PutBucketPolicy")) if r["requestParameters"]["bucketName"] == "boto-calls"]
assert policy["eventSource"] == "s3.amazonaws.com"
assert policy["requestParameters"]["bucketPolicy"]["Statement"][0]["Effect"] == "Deny"
assert policy["requestParameters"]["policy"] == [""], policy["requestParameters"]
assert policy["resources"] == [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::boto-calls"}]
assert policy["userAgent"].startswith("[Boto3/"), policy["userAgent"]
(enc,) = records(lookup("EventName", "PutBucketEncryption"))
rule = enc["requestParameters"]["ServerSideEncryptionConfiguration"]["Rule"]
assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", enc["requestParameters"]

# Each attribute kind.
def names(events):
    return [e["EventName"] for e in events]


s3_names = names(lookup("EventSource", "s3.amazonaws.com", StartTime=t_mid))
assert sorted(s3_names) == sorted(S3_CALLS), s3_names
assert set(names(lookup("EventSource", "redshift.amazonaws.com"))) == set(REDSHIFT_CALLS)
assert set(names(lookup("EventSource", "cloudtrail.amazonaws.com"))) >= {"CreateTrail", "StartLogging", "GetTrailStatus"}
read_only = lookup("ReadOnly", "true")
assert all(e["ReadOnly"] == "true" for e in read_only) and "DescribeClusters" in names(read_only), names(read_only)
assert "GetTrailStatus" in names(read_only) and "CreateCluster" not in names(read_only)
writes = lookup("ReadOnly", "false")
assert all(e["ReadOnly"] == "false" for e in writes) and len(writes) + len(read_only) == len(everything)
assert [e["EventId"] for e in lookup("Username", "root")] == [e["EventId"] for e in everything]
assert lookup("Username", "Admin") == []
cluster_events = lookup("ResourceName", "boto-ct")
assert names(cluster_events) == ["DeleteCluster", "DisableLogging", "EnableLogging", "CreateCluster"], names(cluster_events)
assert all({"ResourceType": "AWS::Redshift::Cluster", "ResourceName": "boto-ct"} in e["Resources"] for e in cluster_events)
assert sorted(names(lookup("ResourceName", "boto-calls"))) == sorted(S3_CALLS)
bucket_events = lookup("ResourceType", "AWS::S3::Bucket", StartTime=t_mid)
assert sorted(names(bucket_events)) == sorted(S3_CALLS)
# The failed DescribeClusters names a cluster too (ClusterIdentifier=nope).
assert set(names(lookup("ResourceType", "AWS::Redshift::Cluster"))) == set(REDSHIFT_CALLS)
assert names(lookup("ResourceName", "nope")) == ["DescribeClusters"]
assert [e["EventId"] for e in lookup("AccessKeyId", os.environ["AWS_ACCESS_KEY_ID"])] == [e["EventId"] for e in everything]
assert lookup("AccessKeyId", "AKIANOBODY") == []
some = everything[len(everything) // 2]
assert lookup("EventId", some["EventId"]) == [some]

# The time range: StartTime and EndTime bound eventTime, inclusive.
assert sorted(names(lookup(StartTime=t_mid))) == sorted(S3_CALLS)
assert set(names(lookup(StartTime=t_start, EndTime=t_mid))) == set(REDSHIFT_CALLS) | {"CreateBucket", "PutBucketPolicy"}
assert not (set(S3_CALLS) - {"CreateBucket", "PutBucketPolicy"}) & set(names(lookup(EndTime=t_mid)))

# MaxResults and NextToken by hand: pages newest first, no duplicate, no gap.
for size in (1, 3, 7, 50):
    got, token, pages = [], None, 0
    while True:
        params = dict(MaxResults=size, EndTime=t_end)
        if token:
            params["NextToken"] = token
        page = ct.lookup_events(**params)
        pages += 1
        assert len(page["Events"]) <= size
        got.extend(e["EventId"] for e in page["Events"])
        token = page.get("NextToken")
        if not token:
            break
        assert len(page["Events"]) == size
    assert got == [e["EventId"] for e in everything], size
    assert pages == -(-len(everything) // size), (size, pages)

# The error classes.
for exc, params in [
    (ct.exceptions.InvalidLookupAttributesException, dict(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "CreateCluster"},
        {"AttributeKey": "ReadOnly", "AttributeValue": "false"}])),
    (ct.exceptions.InvalidMaxResultsException, dict(MaxResults=51)),
    (ct.exceptions.InvalidNextTokenException, dict(NextToken="bogus")),
    (ct.exceptions.InvalidTimeRangeException, dict(StartTime=t_end, EndTime=t_start)),
]:
    try:
        ct.lookup_events(**params)
        raise AssertionError(f"lookup_events {params} did not fail")
    except exc as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response

# A flush, then the trail's files hold the records lookup_events gives, field for field.
t_flush = tick()
with urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/_fakeshift/flush", method="POST")) as resp:
    assert resp.status == 200
status = ct.get_trail_status(Name="boto-trail")
assert "LatestDeliveryError" not in status, status
assert isinstance(status["LatestDeliveryTime"], datetime.datetime)
delivered = {}
prefix = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/"
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="boto-trail", Prefix=prefix)
        for o in p.get("Contents", [])]
assert keys, "trail files"
for key in keys:
    assert re.fullmatch(prefix + r"\d{4}/\d\d/\d\d/" + ACCOUNT + r"_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz", key), key
    body = s3.get_object(Bucket="boto-trail", Key=key)["Body"].read()
    for rec in json.loads(gzip.decompress(body))["Records"]:
        assert rec["eventID"] not in delivered, "delivered twice"
        delivered[rec["eventID"]] = rec
# Every record made between StartLogging and the flush (the lookups' own included).
owed = lookup(StartTime=t_start, EndTime=t_flush - datetime.timedelta(seconds=1))
assert len(owed) > len(everything) // 2, len(owed)
for e in owed:
    assert e["EventId"] in delivered, ("not delivered", e["EventName"])
    assert json.loads(e["CloudTrailEvent"]) == delivered[e["EventId"]], e["EventName"]
# Records made before StartLogging are not the trail's.
for e in everything:
    if e["EventId"] not in delivered:
        assert e["EventName"] in ("CreateBucket", "PutBucketPolicy", "CreateTrail"), ("owed", e["EventName"])
for e in lookup("EventName", "CreateTrail"):
    assert e["EventId"] not in delivered
assert set(delivered) >= {e["EventId"] for e in owed}
start_logging = records(lookup("EventName", "StartLogging"))
assert start_logging[0]["eventID"] in delivered, "StartLogging is the trail's own"
print("boto3 CloudTrail checks passed:", len(delivered), "records delivered")

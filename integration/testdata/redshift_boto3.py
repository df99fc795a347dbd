"""boto3 against fakeshift's Redshift API and S3: run by integration/redshift_test.go."""
import json
import os

import boto3
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
kw = dict(endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test",
          aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))
rs = boto3.client("redshift", **kw)
s3 = boto3.client("s3", **kw)
sts = boto3.client("sts", **kw)

ident = sts.get_caller_identity()
assert ident["Account"] == "123456789012", ident
assert ident["Arn"] == "arn:aws:iam::123456789012:root", ident

# The binary's default cluster is there.
ids = [c["ClusterIdentifier"] for c in rs.describe_clusters()["Clusters"]]
assert "fakeshift" in ids, ids

# A parameter group with user activity logging, and a cluster.
rs.create_cluster_parameter_group(ParameterGroupName="audit", ParameterGroupFamily="redshift-2.0",
                                  Description="audit logging")
try:
    rs.create_cluster_parameter_group(ParameterGroupName="audit", ParameterGroupFamily="redshift-2.0",
                                      Description="again")
    raise AssertionError("a second group of the same name")
except rs.exceptions.ClusterParameterGroupAlreadyExistsFault:
    pass
created = rs.create_cluster(ClusterIdentifier="boto-cluster", NodeType="ra3.large", MasterUsername="admin",
                            MasterUserPassword="Passw0rd1", ClusterType="single-node",
                            ClusterParameterGroupName="audit")["Cluster"]
assert created["ClusterStatus"] == "creating", created
assert created["PendingModifiedValues"]["MasterUserPassword"] == "****"
rs.get_waiter("cluster_available").wait(ClusterIdentifier="boto-cluster", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
try:
    rs.create_cluster(ClusterIdentifier="boto-cluster", NodeType="ra3.large", MasterUsername="admin",
                      MasterUserPassword="Passw0rd1")
    raise AssertionError("a second cluster of the same name")
except rs.exceptions.ClusterAlreadyExistsFault:
    pass

rs.modify_cluster_parameter_group(ParameterGroupName="audit", Parameters=[
    {"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"}])
params = {p["ParameterName"]: p for p in rs.describe_cluster_parameters(ParameterGroupName="audit")["Parameters"]}
assert params["enable_user_activity_logging"]["ParameterValue"] == "true"
assert params["enable_user_activity_logging"]["Source"] == "user"
assert params["enable_user_activity_logging"]["ApplyType"] == "static"
cluster = rs.describe_clusters(ClusterIdentifier="boto-cluster")["Clusters"][0]
group = cluster["ClusterParameterGroups"][0]
assert group["ParameterApplyStatus"] == "pending-reboot", group
pending = [s for s in group["ClusterParameterStatusList"] if s["ParameterApplyStatus"] == "pending-reboot"]
assert [s["ParameterName"] for s in pending] == ["enable_user_activity_logging"], pending
assert rs.reboot_cluster(ClusterIdentifier="boto-cluster")["Cluster"]["ClusterStatus"] == "rebooting"
cluster = rs.describe_clusters(ClusterIdentifier="boto-cluster")["Clusters"][0]
assert cluster["ClusterStatus"] == "available"
assert cluster["ClusterParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"
assert cluster["Endpoint"]["Port"] > 0

# Logging: never enabled answers only LoggingEnabled=false.
status = rs.describe_logging_status(ClusterIdentifier="boto-cluster")
status.pop("ResponseMetadata")
assert status == {"LoggingEnabled": False}, status
try:
    rs.disable_logging(ClusterIdentifier="boto-cluster")
    raise AssertionError("disable before enable")
except rs.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidParameterValue", e.response


def refused(exc, **kw):
    try:
        rs.enable_logging(ClusterIdentifier="boto-cluster", **kw)
    except exc:
        return
    raise AssertionError(f"enable_logging {kw} was not refused with {exc}")


refused(rs.exceptions.BucketNotFoundFault, BucketName="no-such-bucket")
refused(rs.exceptions.InvalidS3BucketNameFault, BucketName="Bad_Bucket")
s3.create_bucket(Bucket="boto-audit")
refused(rs.exceptions.InvalidS3KeyPrefixFault, BucketName="boto-audit", S3KeyPrefix="bad\\prefix")
refused(rs.exceptions.InsufficientS3BucketPolicyFault, BucketName="boto-audit")


def policy(source_arn, actions=("s3:PutObject", "s3:GetBucketAcl")):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": list(actions),
        "Resource": ["arn:aws:s3:::boto-audit", "arn:aws:s3:::boto-audit/*"],
        "Condition": {"StringEquals": {"aws:SourceArn": source_arn}}}]})


mine = "arn:aws:redshift:us-east-1:123456789012:cluster:boto-cluster"
s3.put_bucket_policy(Bucket="boto-audit", Policy=policy("arn:aws:redshift:us-east-1:123456789012:cluster:other"))
refused(rs.exceptions.InsufficientS3BucketPolicyFault, BucketName="boto-audit")
s3.put_bucket_policy(Bucket="boto-audit", Policy=policy(mine, ["s3:GetBucketAcl"]))
refused(rs.exceptions.InsufficientS3BucketPolicyFault, BucketName="boto-audit")
s3.put_bucket_policy(Bucket="boto-audit", Policy=policy(mine))
on = rs.enable_logging(ClusterIdentifier="boto-cluster", BucketName="boto-audit", S3KeyPrefix="audit/",
                       LogExports=["connectionlog", "userlog", "useractivitylog"])
assert on["LoggingEnabled"] is True and on["BucketName"] == "boto-audit" and on["S3KeyPrefix"] == "audit/", on
status = rs.describe_logging_status(ClusterIdentifier="boto-cluster")
assert status["LogExports"] == ["connectionlog", "userlog", "useractivitylog"], status
assert s3.list_objects_v2(Bucket="boto-audit")["KeyCount"] == 0, "the checks wrote nothing"
off = rs.disable_logging(ClusterIdentifier="boto-cluster")
assert off["LoggingEnabled"] is False, off

try:
    rs.describe_logging_status(ClusterIdentifier="missing")
    raise AssertionError("missing cluster")
except rs.exceptions.ClusterNotFoundFault:
    pass
try:
    rs.enable_logging(ClusterIdentifier="boto-cluster", BucketName="boto-audit", LogDestinationType="cloudwatch")
    raise AssertionError("cloudwatch")
except rs.exceptions.UnsupportedOperationFault as e:
    assert "not supported by fakeshift" in str(e)

deleted = rs.delete_cluster(ClusterIdentifier="boto-cluster", SkipFinalClusterSnapshot=True)["Cluster"]
assert deleted["ClusterStatus"] == "deleting"
rs.get_waiter("cluster_deleted").wait(ClusterIdentifier="boto-cluster", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
rs.delete_cluster_parameter_group(ParameterGroupName="audit")
print("boto3 Redshift checks passed")

#!/usr/bin/env python3
"""Regenerate testdata/requests/*.form: the exact form bodies botocore sends.

Each request is serialised by botocore's own Query serializer against the installed
Redshift (or STS) model and prepared as botocore prepares it for the wire, so the bytes are
what the AWS CLI and boto3 put on the wire. Run from the package directory:

    python3 testdata/gen_requests.py

The committed files were generated with botocore 1.43.11. query_test.go
(TestGoldenRequests) parses each with Params and checks the decoded values.
"""
import os

import botocore
import botocore.session
from botocore.awsrequest import prepare_request_dict, create_request_object
from botocore.serialize import create_serializer

HERE = os.path.dirname(os.path.abspath(__file__))

REQUESTS = [
    ("enable_logging", "redshift", "EnableLogging", {
        "ClusterIdentifier": "c1",
        "BucketName": "audit-bucket",
        "S3KeyPrefix": "audit/logs/",
        "LogDestinationType": "s3",
        "LogExports": ["connectionlog", "userlog", "useractivitylog"],
    }),
    ("enable_logging_empty_exports", "redshift", "EnableLogging", {
        "ClusterIdentifier": "c1",
        "BucketName": "audit-bucket",
        "LogExports": [],
    }),
    ("disable_logging", "redshift", "DisableLogging", {"ClusterIdentifier": "c1"}),
    ("describe_logging_status", "redshift", "DescribeLoggingStatus", {"ClusterIdentifier": "c1"}),
    ("modify_cluster_parameter_group", "redshift", "ModifyClusterParameterGroup", {
        "ParameterGroupName": "pg1",
        "Parameters": [
            {"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"},
            {"ParameterName": "require_ssl", "ParameterValue": "true", "ApplyType": "static", "IsModifiable": True},
            {"ParameterName": "search_path", "ParameterValue": "$user, public & more"},
        ],
    }),
    ("reset_cluster_parameter_group", "redshift", "ResetClusterParameterGroup", {
        "ParameterGroupName": "pg1",
        "ResetAllParameters": False,
        "Parameters": [{"ParameterName": "require_ssl"}],
    }),
    ("create_cluster", "redshift", "CreateCluster", {
        "ClusterIdentifier": "c1",
        "NodeType": "ra3.large",
        "MasterUsername": "awsuser",
        "MasterUserPassword": "Passw0rd!",
        "ClusterType": "multi-node",
        "NumberOfNodes": 2,
        "DBName": "dev",
        "Port": 5439,
        "ClusterParameterGroupName": "pg1",
        "VpcSecurityGroupIds": ["sg-1", "sg-2"],
        "IamRoles": ["arn:aws:iam::123456789012:role/r1"],
        "Tags": [{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "a b+c=d"}],
        "Encrypted": True,
        "PubliclyAccessible": False,
        "AutomatedSnapshotRetentionPeriod": 1,
    }),
    ("delete_cluster", "redshift", "DeleteCluster", {
        "ClusterIdentifier": "c1",
        "SkipFinalClusterSnapshot": True,
    }),
    ("describe_clusters", "redshift", "DescribeClusters", {
        "MaxRecords": 20,
        "Marker": "abc/def==",
        "TagKeys": ["env", "owner"],
        "TagValues": ["test"],
    }),
    ("get_cluster_credentials", "redshift", "GetClusterCredentials", {
        "ClusterIdentifier": "c1",
        "DbUser": "alice",
        "DbName": "dev",
        "AutoCreate": True,
        "DbGroups": ["g1", "g2"],
        "DurationSeconds": 900,
    }),
    ("create_cluster_parameter_group", "redshift", "CreateClusterParameterGroup", {
        "ParameterGroupName": "PG1",
        "ParameterGroupFamily": "redshift-1.0",
        "Description": "audit logging on",
        "Tags": [{"Key": "team", "Value": "data"}],
    }),
    ("describe_cluster_parameters", "redshift", "DescribeClusterParameters", {
        "ParameterGroupName": "pg1",
        "Source": "user",
    }),
    ("sts_get_caller_identity", "sts", "GetCallerIdentity", {}),
]


def main():
    session = botocore.session.get_session()
    serializer = create_serializer("query")
    for name, service, operation, params in REQUESTS:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        request_dict = serializer.serialize_to_request(params, op)
        prepare_request_dict(request_dict, endpoint_url="https://%s.us-east-1.amazonaws.com" % service)
        prepared = create_request_object(request_dict).prepare()
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        with open(os.path.join(HERE, "requests", name + ".form"), "wb") as f:
            f.write(body)
        print(name, body.decode())
    print("botocore", botocore.__version__)


if __name__ == "__main__":
    main()

"""Writes redshiftapi/trailmodel.json: the input shapes of the Redshift operations fakeshift
serves, from botocore's service model, for CloudTrail's requestParameters.

Run from the repository root with the Python that has botocore:
    python3 redshiftapi/testdata/gen/trailmodel.py > redshiftapi/trailmodel.json
"""
import gzip, json, os, sys
import botocore

OPS = ["CreateCluster", "DescribeClusters", "ModifyCluster", "RebootCluster", "DeleteCluster",
       "CreateClusterParameterGroup", "DescribeClusterParameterGroups", "ModifyClusterParameterGroup",
       "ResetClusterParameterGroup", "DescribeClusterParameters", "DescribeDefaultClusterParameters",
       "DeleteClusterParameterGroup", "EnableLogging", "DisableLogging", "DescribeLoggingStatus",
       "GetClusterCredentials", "AuthorizeDataShare", "DeauthorizeDataShare", "DescribeDataShares",
       "DescribeDataSharesForProducer"]

path = os.path.join(os.path.dirname(botocore.__file__), "data", "redshift", "2012-12-01", "service-2.json.gz")
model = json.load(gzip.open(path))
shapes = model["shapes"]

def spec(name, depth=0):
    s = shapes[name]
    t = s["type"]
    if t == "structure":
        if depth > 4:
            return "string"
        return {"struct": {k: spec(v["shape"], depth + 1) for k, v in s["members"].items()}}
    if t == "list":
        m = s["member"]
        return {"list": spec(m["shape"], depth + 1), "member": m.get("locationName", "member")}
    if t in ("boolean", "integer", "long", "timestamp"):
        return "integer" if t == "long" else t
    if t in ("double", "float"):
        return "double"
    return "string"

out = {}
for op in OPS:
    o = model["operations"][op]
    out[op] = spec(o["input"]["shape"])["struct"] if "input" in o else {}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")

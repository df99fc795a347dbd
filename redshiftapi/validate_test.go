package redshiftapi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// check asserts that err is nil (code "") or has code and, when msg is given, message msg.
func check(t *testing.T, err *Error, code, msg, what string) {
	t.Helper()
	if code == "" {
		require.Nil(t, err, what)
		return
	}
	require.NotNil(t, err, what)
	require.Equal(t, code, err.Code, what)
	require.True(t, err.Sender, what)
	if msg != "" {
		require.Equal(t, msg, err.Message, what)
	}
}

const ipv = CodeInvalidParameterValue

func TestValidateClusterIdentifier(t *testing.T) {
	bad := "The parameter ClusterIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens."
	for _, tc := range []struct{ in, want, code string }{
		{"c", "c", ""},
		{"my-cluster-1", "my-cluster-1", ""},
		{"CdkrdHunt-Mixed-RsCluster", "cdkrdhunt-mixed-rscluster", ""},
		{strings.Repeat("a", 63), strings.Repeat("a", 63), ""},
		{strings.Repeat("a", 64), "", ipv},
		{"", "", ipv},
		{"1cluster", "", ipv},
		{"-cluster", "", ipv},
		{"cluster-", "", ipv},
		{"clus--ter", "", ipv},
		{"clus_ter", "", ipv},
		{"clus.ter", "", ipv},
		{"clüster", "", ipv},
	} {
		got, err := ValidateClusterIdentifier(tc.in)
		check(t, err, tc.code, bad, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	_, err := ValidateIdentifier("FinalClusterSnapshotIdentifier", "a--b", 255)
	require.True(t, strings.HasPrefix(err.Message, "The parameter FinalClusterSnapshotIdentifier is not a valid identifier."))
}

func TestValidateParameterGroupName(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"pg1", "pg1", ""},
		{"Audit-Logging", "audit-logging", ""},
		{strings.Repeat("p", 255), strings.Repeat("p", 255), ""},
		{strings.Repeat("p", 256), "", ipv},
		{"1pg", "", ipv},
		{"pg-", "", ipv},
		{"p--g", "", ipv},
		{"default.redshift-1.0", "", ipv},
		{"p_g", "", ipv},
		{"", "", ipv},
	} {
		got, err := ValidateParameterGroupName(tc.in)
		check(t, err, tc.code, "", tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestValidateMasterUsername(t *testing.T) {
	bad := "MasterUsername parameter must be lowercase, begin with a letter, contain only alphanumeric characters, underscore ('_'), plus sign ('+'), dot ('.'), at ('@'), or hyphen ('-'), and be less than 128 characters."
	for _, tc := range []struct{ in, code, msg string }{
		{"awsuser", "", ""},
		{"test_user", "", ""},
		{"a1+b.c@d-e", "", ""},
		{strings.Repeat("u", 128), "", ""},
		{strings.Repeat("u", 129), ipv, bad},
		{"PUBLIC", ipv, "The master username can't be named PUBLIC"},
		{"public", ipv, "The master username can't be named PUBLIC"},
		{"Admin", ipv, bad},
		{"1user", ipv, bad},
		{"_user", ipv, bad},
		{"us:er", ipv, bad},
		{"us/er", ipv, bad},
		{"us$er", ipv, bad},
		{"us er", ipv, bad},
		{"", ipv, bad},
		{"user", ipv, "MasterUsername user is a reserved word."},
		{"select", ipv, ""},
	} {
		check(t, ValidateMasterUsername(tc.in), tc.code, tc.msg, tc.in)
	}
}

func TestValidateMasterUserPassword(t *testing.T) {
	chars := "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters except for '/', '@', '\"', ' ', '\\', ''' may be used."
	for _, tc := range []struct{ in, msg string }{
		{"Passw0rd", ""},
		{"Pf66bench1", ""},
		{"P!#$%&()*+,-.:;<=>?[]^_`{|}~a1", ""},
		{"Aa1" + strings.Repeat("x", 61), ""},
		// Real probes (VERIFIED messages).
		{"Pf66be1", "Invalid master password. Password should be atleast 8 characters long."},
		{"Pf66bench@1", chars},
		{"pf66bench1", "The parameter MasterUserPassword must contain at least 1 upper case letter."},
		// The rest.
		{"Aa1" + strings.Repeat("x", 62), "Invalid master password. Password should be at most 64 characters long."},
		{"Pass word1", chars},
		{"Pass'word1", chars},
		{"Pass\"word1", chars},
		{"Pass\\word1", chars},
		{"Pass/word1", chars},
		{"Pass\tword1", chars},
		{"Passwörd1", chars},
		{"PASSWORD1", "The parameter MasterUserPassword must contain at least 1 lower case letter."},
		{"Password", "The parameter MasterUserPassword must contain at least 1 number."},
	} {
		code := ""
		if tc.msg != "" {
			code = ipv
		}
		check(t, ValidateMasterUserPassword(tc.in), code, tc.msg, tc.in)
	}
	check(t, ValidatePasswordOptions(true, ptr(true)), ipv, "Your Amazon Redshift cluster is opting in to manage your password using AWS Secrets Manager. To provide your own password, opt out of managing your password with Secrets Manager.", "both")
	check(t, ValidatePasswordOptions(true, ptr(false)), "", "", "password only")
	check(t, ValidatePasswordOptions(false, ptr(true)), "", "", "managed only")
	check(t, ValidatePasswordOptions(true, nil), "", "", "default")
}

func TestValidateDBName(t *testing.T) {
	bad := "DbName parameter must be lowercase, begin with a letter, contain only alphanumeric characters, underscore ('_'), plus sign ('+'), dot ('.'), at ('@'), or hyphen ('-'), and be less than 64 characters."
	for _, tc := range []struct{ in, code, msg string }{
		{"dev", "", ""},
		{"db1", "", ""},
		{"my_db+x.y@z-w", "", ""},
		{strings.Repeat("d", 64), "", ""},
		{strings.Repeat("d", 65), ipv, bad},
		{"Pf66db", ipv, bad},
		{"1db", ipv, bad},
		{"", ipv, bad},
		{"my db", ipv, bad},
		{"table", ipv, "DbName table is a reserved word."},
	} {
		check(t, ValidateDBName(tc.in), tc.code, tc.msg, tc.in)
	}
}

func TestValidateClusterShape(t *testing.T) {
	for _, tc := range []struct {
		node, typ string
		n         *int
		wantN     int
		code, msg string
	}{
		{"ra3.large", "single-node", nil, 1, "", ""},
		{"ra3.large", "single-node", ptr(1), 1, "", ""},
		{"ra3.large", "", nil, 1, "", ""},
		{"ra3.large", "", ptr(1), 1, "", ""},
		{"ra3.large", "", ptr(3), 3, "", ""},
		{"ra3.4xlarge", "multi-node", ptr(2), 2, "", ""},
		{"dc2.large", "single-node", nil, 1, "", ""},
		{"dc2.8xlarge", "multi-node", ptr(128), 128, "", ""},
		{"ra3.xlplus", "multi-node", ptr(16), 16, "", ""},
		// VERIFIED messages (real probes).
		{"ra3.large", "multi-node", ptr(1), 0, ipv, "Number of nodes for cluster type multi-node must be greater than or equal to 2."},
		{"ra3.large", "multi-node", nil, 0, ipv, "Number of nodes for cluster type multi-node must be greater than or equal to 2."},
		{"ra3.large", "single-node", ptr(2), 0, ipv, "Number of nodes must be 1 or not be supplied for cluster type single-node."},
		{"dc1.large", "single-node", nil, 0, ipv, "Invalid node type: dc1.large"},
		{"RA3.large", "single-node", nil, 0, ipv, "Invalid node type: RA3.large"},
		{"", "single-node", nil, 0, ipv, "Invalid node type: "},
		// UNVERIFIED messages.
		{"ra3.large", "Single-Node", nil, 0, ipv, "Invalid cluster type. Cluster type can be one of multi-node or single-node"},
		{"ra3.4xlarge", "single-node", nil, 0, ipv, ""},
		{"ra3.4xlarge", "", nil, 0, ipv, ""},
		{"ra3.xlplus", "multi-node", ptr(17), 0, ipv, "Number of nodes for node type ra3.xlplus must be between 2 and 16."},
		{"ra3.large", "", ptr(0), 0, ipv, "Number of nodes for cluster type multi-node must be greater than or equal to 2."},
	} {
		what := tc.node + "/" + tc.typ
		n, err := ValidateClusterShape(tc.node, tc.typ, tc.n)
		check(t, err, tc.code, tc.msg, what)
		require.Equal(t, tc.wantN, n, what)
	}
}

func TestValidatePort(t *testing.T) {
	for _, tc := range []struct {
		port int
		node string
		ok   bool
	}{
		{5439, "ra3.large", true},
		{5431, "ra3.4xlarge", true},
		{5455, "rg.xlarge", true},
		{8191, "ra3.16xlarge", true},
		{8215, "ra3.xlplus", true},
		{5430, "ra3.large", false},
		{5456, "ra3.large", false},
		{8190, "ra3.large", false},
		{8216, "ra3.large", false},
		{1150, "dc2.large", true},
		{65535, "dc2.8xlarge", true},
		{1149, "dc2.large", false},
		{65536, "dc2.large", false},
		{0, "dc2.large", false},
		{DefaultPort, "", true},
	} {
		err := ValidatePort(tc.port, tc.node)
		if tc.ok {
			require.Nil(t, err, "%d %s", tc.port, tc.node)
		} else {
			check(t, err, ipv, "", tc.node)
		}
	}
}

func TestValidateRetentionAndVersion(t *testing.T) {
	check(t, ValidateAutomatedSnapshotRetentionPeriod(36, "dc2.large"), ipv, "Invalid automated snapshot retention period: 36. Retention period must be between 0 and 35.", "36")
	check(t, ValidateAutomatedSnapshotRetentionPeriod(-1, "dc2.large"), ipv, "Invalid automated snapshot retention period: -1. Retention period must be between 0 and 35.", "-1")
	check(t, ValidateAutomatedSnapshotRetentionPeriod(0, "dc2.large"), "", "", "0 dc2")
	check(t, ValidateAutomatedSnapshotRetentionPeriod(35, "ra3.large"), "", "", "35")
	check(t, ValidateAutomatedSnapshotRetentionPeriod(0, "ra3.large"), ipv, "You can't disable automated snapshots for RG or RA3 node types. Set the automated retention period from 1-35 days.", "0 ra3")

	check(t, ValidateManualSnapshotRetentionPeriod(3654), "InvalidRetentionPeriodFault", "Retention period cannot exceed 3653 days.", "3654")
	for _, ok := range []int{-1, 1, 3653} {
		check(t, ValidateManualSnapshotRetentionPeriod(ok), "", "", "ok")
	}
	check(t, ValidateManualSnapshotRetentionPeriod(0), "InvalidRetentionPeriodFault", "", "0")
	check(t, ValidateManualSnapshotRetentionPeriod(-2), "InvalidRetentionPeriodFault", "", "-2")

	check(t, ValidateClusterVersion("1.0"), "", "", "1.0")
	check(t, ValidateClusterVersion("2.0"), CodeInvalidParameterCombination, "Cannot find Cluster version 2.0", "2.0")

	check(t, ValidateMaxRecords(20), "", "", "20")
	check(t, ValidateMaxRecords(100), "", "", "100")
	check(t, ValidateMaxRecords(19), ipv, "", "19")
	check(t, ValidateMaxRecords(101), ipv, "", "101")

	check(t, ValidateParameterSource("user"), "", "", "user")
	check(t, ValidateParameterSource("engine-default"), "", "", "engine-default")
	check(t, ValidateParameterSource("User"), ipv, "", "User")
}

func TestValidateS3BucketName(t *testing.T) {
	for _, ok := range []string{
		"abc", "my-bucket", "my.bucket.name", "1bucket", "bucket1", strings.Repeat("b", 63),
		"tf-redshift-logging-5762787809933873609", "a-.b", "xn-bucket", "bucket-s3alias-x",
	} {
		require.Nil(t, ValidateS3BucketName(ok), ok)
	}
	for _, bad := range []string{
		"ab", strings.Repeat("b", 64), "", "My-Bucket", "my_bucket", "-bucket", "bucket-", ".bucket",
		"bucket.", "my..bucket", "192.168.5.4", "10.0.0.1", "xn--bucket", "sthree-bucket",
		"amzn-s3-demo-bucket", "bucket-s3alias", "bucket--ol-s3", "bucket.mrap", "bucket--x-s3",
		"bucket--table-s3", "bück", "my bucket",
	} {
		err := ValidateS3BucketName(bad)
		check(t, err, CodeInvalidS3BucketName, "The S3 bucket name "+bad+" is invalid.", bad)
		require.Equal(t, 400, err.Status)
	}
}

func TestValidateS3KeyPrefix(t *testing.T) {
	for _, ok := range []string{
		"", "audit/", "testprefix/", "a_b.c:d/e=f+g-h@i", "with space/", "日本語/", "ünïcödé", "٣/", "AWSLogs",
		strings.Repeat("p", 256), strings.Repeat("日", 256),
		"tab\u00a0nbsp", // U+00A0 is a space separator (Zs)
	} {
		require.Nil(t, ValidateS3KeyPrefix(ok), ok)
	}
	for _, bad := range []string{
		strings.Repeat("p", 257), "back\\slash", "quote\"", "apos'", "star*", "tab\t", "new\nline",
		"percent%", "amp&", "q?", "hash#", "emoji😀", "\xff",
	} {
		check(t, ValidateS3KeyPrefix(bad), CodeInvalidS3KeyPrefix, "The S3 key prefix "+bad+" is invalid.", bad)
	}
}

func TestValidateLogging(t *testing.T) {
	check(t, ValidateLogExports([]string{"connectionlog", "useractivitylog", "userlog"}), "", "", "all")
	check(t, ValidateLogExports(nil), "", "", "none")
	check(t, ValidateLogExports([]string{"userlog", "UserLog"}), ipv, "", "case")
	check(t, ValidateLogExports([]string{"auditlog"}), ipv, "", "unknown")
	check(t, ValidateLogDestinationType("s3"), "", "", "s3")
	check(t, ValidateLogDestinationType("cloudwatch"), "", "", "cloudwatch")
	check(t, ValidateLogDestinationType("S3"), ipv, "", "S3")
	check(t, ValidateLogDestinationType(""), ipv, "", "empty")
}

func TestValidateClusterCredentials(t *testing.T) {
	for d, ok := range map[int]bool{899: false, 900: true, 3600: true, 3601: false, 0: false} {
		if ok {
			require.Nil(t, ValidateDurationSeconds(d), d)
		} else {
			check(t, ValidateDurationSeconds(d), ipv, "", "duration")
		}
	}
	for _, ok := range []string{"alice", "Alice", "temp_creds_user", "a+b.c@d-e1", strings.Repeat("u", 64)} {
		require.Nil(t, ValidateDbUser(ok), ok)
	}
	for _, bad := range []string{"", "1alice", "_alice", "al:ice", "al/ice", "PUBLIC", "Public", "user", strings.Repeat("u", 65), "al ice"} {
		check(t, ValidateDbUser(bad), ipv, "", bad)
	}
	require.Nil(t, ValidateCredentialsDbName("Dev"))
	check(t, ValidateCredentialsDbName("dev/1"), ipv, "", "dev/1")
	check(t, ValidateCredentialsDbName("table"), ipv, "", "table")
	require.Nil(t, ValidateDbGroups([]string{"g1", "example_group"}))
	require.Nil(t, ValidateDbGroups(nil))
	check(t, ValidateDbGroups([]string{"g1", "Group"}), ipv, "", "upper")
	check(t, ValidateDbGroups([]string{"group"}), ipv, "DbGroup group is a reserved word.", "reserved")
	check(t, ValidateDbGroups([]string{strings.Repeat("g", 65)}), ipv, "", "long")
}

func TestReservedWords(t *testing.T) {
	require.True(t, IsReservedWord("SELECT"))
	require.True(t, IsReservedWord("user"))
	require.True(t, IsReservedWord("current_user_id"))
	require.False(t, IsReservedWord("public"), "PUBLIC is refused by its own rule, not as a reserved word")
	require.False(t, IsReservedWord("awsuser"))
	require.Len(t, reservedWords, 154)
}

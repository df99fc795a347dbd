package redshiftapi

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEngineDefaults(t *testing.T) {
	ps, ok := EngineDefaults(FamilyRedshift10)
	require.True(t, ok)
	var names []string
	byName := map[string]Parameter{}
	for _, p := range ps {
		names = append(names, p.ParameterName)
		byName[p.ParameterName] = p
		require.Equal(t, SourceEngineDefault, p.Source, p.ParameterName)
		require.Equal(t, ApplyTypeStatic, p.ApplyType, p.ParameterName)
		require.True(t, p.IsModifiable, p.ParameterName)
		require.NotEmpty(t, p.Description, p.ParameterName)
		require.Contains(t, []string{"boolean", "integer", "string"}, p.DataType, p.ParameterName)
		require.Nil(t, ValidateParameterValue(p.ParameterName, p.ParameterValue), "the default of %s is valid", p.ParameterName)
	}
	require.Equal(t, []string{
		"auto_analyze", "auto_mv", "datestyle", "enable_case_sensitive_identifier",
		"enable_user_activity_logging", "extra_float_digits", "max_concurrency_scaling_clusters",
		"max_cursor_result_set_size", "query_group", "require_ssl", "search_path",
		"statement_timeout", "use_fips_ssl", "wlm_json_configuration",
	}, names)

	// The two the logging work depends on, as real outputs show them (research 1.6).
	require.Equal(t, Parameter{
		ParameterName: "enable_user_activity_logging", ParameterValue: "false",
		Description: "parameter for audit logging purpose", Source: "engine-default", DataType: "boolean",
		AllowedValues: "true,false", ApplyType: "static", IsModifiable: true,
	}, byName["enable_user_activity_logging"])
	require.Equal(t, Parameter{
		ParameterName: "require_ssl", ParameterValue: "false",
		Description: "require ssl for all databaseconnections", Source: "engine-default", DataType: "boolean",
		AllowedValues: "true,false", ApplyType: "static", IsModifiable: true,
	}, byName["require_ssl"])
	require.Equal(t, "ISO, MDY", byName["datestyle"].ParameterValue)
	require.Equal(t, "$user, public", byName["search_path"].ParameterValue)
	require.Equal(t, `[{"auto_wlm":true}]`, byName["wlm_json_configuration"].ParameterValue)
	require.Equal(t, "0,100-2147483647", byName["statement_timeout"].AllowedValues)

	// A copy: changing it does not change the defaults.
	ps[0].ParameterValue = "changed"
	again, _ := EngineDefaults(FamilyRedshift10)
	require.Equal(t, "true", again[0].ParameterValue)

	v2, ok := EngineDefaults(FamilyRedshift20)
	require.True(t, ok)
	require.Equal(t, again, v2)
	_, ok = EngineDefaults("redshift-3.0")
	require.False(t, ok)
	_, ok = EngineDefault("nope")
	require.False(t, ok)

	require.Equal(t, "default.redshift-1.0", DefaultParameterGroupName(FamilyRedshift10))
	require.Nil(t, ValidateParameterGroupFamily(FamilyRedshift10))
	require.Nil(t, ValidateParameterGroupFamily(FamilyRedshift20))
	require.Equal(t, ipv, ValidateParameterGroupFamily("postgres9.6").Code)
}

func TestValidateParameterValue(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		ok          bool
		msg         string
	}{
		{"enable_user_activity_logging", "true", true, ""},
		{"enable_user_activity_logging", "false", true, ""},
		{"enable_user_activity_logging", "TRUE", false, "Invalid value TRUE for parameter enable_user_activity_logging. Allowed values: true,false"},
		{"enable_user_activity_logging", "1", false, ""},
		{"enable_user_activity_logging", "", false, ""},
		{"require_ssl", "on", false, ""},
		{"no_such_parameter", "1", false, "Could not find parameter with name: no_such_parameter"},
		{"Require_SSL", "true", false, "Could not find parameter with name: Require_SSL"},
		{"statement_timeout", "0", true, ""},
		{"statement_timeout", "100", true, ""},
		{"statement_timeout", "20000", true, ""},
		{"statement_timeout", "2147483647", true, ""},
		{"statement_timeout", "50", false, "Invalid value 50 for parameter statement_timeout. Allowed values: 0,100-2147483647"},
		{"statement_timeout", "-1", false, ""},
		{"statement_timeout", "2147483648", false, ""},
		{"statement_timeout", "1.5", false, ""},
		{"statement_timeout", "abc", false, ""},
		{"extra_float_digits", "-15", true, ""},
		{"extra_float_digits", "2", true, ""},
		{"extra_float_digits", "-16", false, ""},
		{"extra_float_digits", "3", false, ""},
		{"max_concurrency_scaling_clusters", "10", true, ""},
		{"max_concurrency_scaling_clusters", "11", false, ""},
		{"max_cursor_result_set_size", "default", true, ""},
		{"max_cursor_result_set_size", "14400000", true, ""},
		{"max_cursor_result_set_size", "14400001", false, ""},
		{"datestyle", "ISO, MDY", true, ""},
		{"datestyle", "SQL,DMY", true, ""},
		{"datestyle", "german", true, ""},
		{"datestyle", "YMD", true, ""},
		{"datestyle", "ISO, SQL", false, ""},
		{"datestyle", "MDY, DMY", false, ""},
		{"datestyle", "ISO, XYZ", false, ""},
		{"datestyle", "", false, ""},
		{"wlm_json_configuration", `[{"query_concurrency":5}]`, true, ""},
		{"wlm_json_configuration", `[]`, true, ""},
		{"wlm_json_configuration", `{"auto_wlm":true}`, false, ""},
		{"wlm_json_configuration", `[{`, false, ""},
		{"query_group", "anything at all", true, ""},
		{"query_group", "", true, ""},
		{"search_path", "$user, public, etl", true, ""},
	} {
		what := fmt.Sprintf("%s=%q", tc.name, tc.value)
		err := ValidateParameterValue(tc.name, tc.value)
		if tc.ok {
			require.Nil(t, err, what)
			continue
		}
		check(t, err, ipv, tc.msg, what)
	}
}

func TestErrorBasics(t *testing.T) {
	e := ClusterNotFound("c1")
	require.Equal(t, "ClusterNotFound: Cluster c1 not found.", e.Error())
	require.Equal(t, "Sender", e.Type())
	require.Equal(t, 404, e.Status)
	wrapped := fmt.Errorf("describe: %w", e)
	require.True(t, errors.Is(wrapped, &Error{Code: CodeClusterNotFound}))
	require.False(t, errors.Is(wrapped, &Error{Code: CodeInvalidClusterState}))
	require.Same(t, e, AsError(wrapped))
	require.Nil(t, AsError(nil))

	internal := AsError(errors.New("badger: disk full"))
	require.Equal(t, CodeInternalFailure, internal.Code)
	require.Equal(t, 500, internal.Status)
	require.Equal(t, "Receiver", internal.Type())
	require.NotContains(t, internal.Message, "badger")

	for _, tc := range []struct {
		e      *Error
		code   string
		status int
	}{
		{MissingParameter("X"), "MissingParameter", 400},
		{MissingAction(), "MissingAction", 400},
		{InvalidAction("X"), "InvalidAction", 400},
		{InvalidParameterCombination("m"), "InvalidParameterCombination", 400},
		{InvalidQueryParameter("m"), "InvalidQueryParameter", 400},
		{MalformedQueryString("m"), "MalformedQueryString", 404},
		{InvalidClientTokenID(""), "InvalidClientTokenId", 403},
		{IncompleteSignature("m"), "IncompleteSignature", 400},
		{SignatureDoesNotMatch(""), "SignatureDoesNotMatch", 403},
		{MissingAuthenticationToken(), "MissingAuthenticationToken", 403},
		{BucketNotFound("b"), "BucketNotFoundFault", 400},
		{InsufficientS3BucketPolicy("b"), "InsufficientS3BucketPolicyFault", 400},
		{InsufficientS3BucketPolicyACL("b"), "InsufficientS3BucketPolicyFault", 400},
		{InvalidS3BucketName("b"), "InvalidS3BucketNameFault", 400},
		{InvalidS3KeyPrefix("p"), "InvalidS3KeyPrefixFault", 400},
		{InvalidClusterState(MsgOperationRunning), "InvalidClusterState", 400},
		{UnsupportedOperation("m"), "UnsupportedOperation", 400},
		{ClusterAlreadyExists(), "ClusterAlreadyExists", 400},
		{ClusterParameterGroupNotFound("p"), "ClusterParameterGroupNotFound", 404},
		{ClusterParameterGroupAlreadyExists("p"), "ClusterParameterGroupAlreadyExists", 400},
		{InvalidClusterParameterGroupState("m"), "InvalidClusterParameterGroupState", 400},
		{InsufficientClusterCapacity("m"), "InsufficientClusterCapacity", 400},
		{InvalidRetentionPeriod("m"), "InvalidRetentionPeriodFault", 400},
	} {
		require.Equal(t, tc.code, tc.e.Code)
		require.Equal(t, tc.status, tc.e.Status, tc.code)
		require.True(t, tc.e.Sender, tc.code)
		require.NotEmpty(t, tc.e.Message, tc.code)
	}
	require.Panics(t, func() { modeled("NoSuchFault", "m") })
}

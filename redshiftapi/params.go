package redshiftapi

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Parameter group families. redshift-1.0 is the family of the default group
// default.redshift-1.0; newer clusters (RA3, RG) get default.redshift-2.0 (VERIFIED, real
// CreateCluster output in vdesabou/kafka-docker-playground CI issues, 2025).
const (
	FamilyRedshift10 = "redshift-1.0"
	FamilyRedshift20 = "redshift-2.0"
)

// Parameter sources and apply types.
const (
	SourceEngineDefault = "engine-default"
	SourceUser          = "user"
	ApplyTypeStatic     = "static"
	ApplyTypeDynamic    = "dynamic"
)

// DefaultParameterGroupName is the name of a family's default group, e.g.
// "default.redshift-1.0".
func DefaultParameterGroupName(family string) string { return "default." + family }

// Families lists the parameter group families fakeshift knows.
func Families() []string { return []string{FamilyRedshift10, FamilyRedshift20} }

// engineDefaults is what DescribeClusterParameters returns for a group of family
// redshift-1.0 whose values were never changed, in the real (alphabetical) order.
//
// Sources:
//   - names and values: the default-values table of the Management Guide ("Amazon Redshift
//     parameter groups", awsdocs/amazon-redshift-management-guide
//     working-with-parameter-groups.md), which also says max_cursor_result_set_size is
//     deprecated; real DescribeClusterParameters output still lists it with value "default"
//     (aws-samples/amazon-redshift-config-compare tests, response of 2022-02-15);
//   - descriptions, data types, allowed values, apply types: real outputs (that response;
//     a 2016 describe-cluster-parameters output; auto_mv's from
//     aws-samples/amazon-redshift-config-compare#5; enable_case_sensitive_identifier's from
//     the 2022 response, where its value was user-set). Every parameter reports ApplyType
//     "static" and IsModifiable true in every real output seen, including
//     enable_user_activity_logging and require_ssl;
//   - the statement_timeout description: real outputs say "Aborts any statement ..."; the
//     API Reference sample was reworded to "Stops any statement ...". fakeshift uses the
//     real one.
//
// UNVERIFIED: whether today's service lists more parameters; that redshift-2.0 has the same
// set and defaults (fakeshift assumes it does).
var engineDefaults = []Parameter{
	boolParam("auto_analyze", "true", "Use auto analyze"),
	boolParam("auto_mv", "true", "Enable AutoMV"),
	stringParam("datestyle", "ISO, MDY", "Sets the display format for date and time values."),
	boolParam("enable_case_sensitive_identifier", "false", "Preserve case sensitivity for database identifiers such as table or column names in parser"),
	boolParam("enable_user_activity_logging", "false", "parameter for audit logging purpose"),
	intParam("extra_float_digits", "0", "-15-2", "Sets the number of digits displayed for floating-point values"),
	intParam("max_concurrency_scaling_clusters", "1", "0-10", "The maximum concurrency scaling clusters can be used."),
	intParam("max_cursor_result_set_size", "default", "0-14400000", "Sets the max cursor result set size"),
	stringParam("query_group", "default", "This parameter applies a user-defined label to a group of queries that are run during the same session.."),
	boolParam("require_ssl", "false", "require ssl for all databaseconnections"),
	stringParam("search_path", "$user, public", "Sets the schema search order for names that are not schema-qualified."),
	intParam("statement_timeout", "0", "0,100-2147483647", "Aborts any statement that takes over the specified number of milliseconds."),
	boolParam("use_fips_ssl", "false", "Use fips ssl library"),
	stringParam("wlm_json_configuration", `[{"auto_wlm":true}]`, "wlm json configuration"),
}

func boolParam(name, value, desc string) Parameter {
	return Parameter{ParameterName: name, ParameterValue: value, Description: desc, Source: SourceEngineDefault,
		DataType: "boolean", AllowedValues: "true,false", ApplyType: ApplyTypeStatic, IsModifiable: true}
}

func intParam(name, value, allowed, desc string) Parameter {
	return Parameter{ParameterName: name, ParameterValue: value, Description: desc, Source: SourceEngineDefault,
		DataType: "integer", AllowedValues: allowed, ApplyType: ApplyTypeStatic, IsModifiable: true}
}

func stringParam(name, value, desc string) Parameter {
	return Parameter{ParameterName: name, ParameterValue: value, Description: desc, Source: SourceEngineDefault,
		DataType: "string", ApplyType: ApplyTypeStatic, IsModifiable: true}
}

// EngineDefaults returns a copy of the engine-default parameters of family (Source
// engine-default), or false for an unknown family.
func EngineDefaults(family string) ([]Parameter, bool) {
	if family != FamilyRedshift10 && family != FamilyRedshift20 {
		return nil, false
	}
	return slices.Clone(engineDefaults), true
}

// EngineDefault returns the engine-default definition of the parameter name.
func EngineDefault(name string) (Parameter, bool) {
	for _, p := range engineDefaults {
		if p.ParameterName == name {
			return p, true
		}
	}
	return Parameter{}, false
}

// ValidateParameterGroupFamily checks a ParameterGroupFamily of CreateClusterParameterGroup.
// UNVERIFIED message.
func ValidateParameterGroupFamily(family string) *Error {
	if family == FamilyRedshift10 || family == FamilyRedshift20 {
		return nil
	}
	return InvalidParameterValue("The parameter group family " + family + " is not valid. Valid families are " + strings.Join(Families(), ", ") + ".")
}

// ValidateParameterValue checks one ModifyClusterParameterGroup change against the
// parameter's definition. Every error is InvalidParameterValue:
//   - an unknown name: "Could not find parameter with name: X" (the RDS family's wording,
//     VERIFIED for RDS in hashicorp/terraform-provider-aws#522; UNVERIFIED for Redshift);
//   - a bad value: "Invalid value V for parameter X. Allowed values: A" (UNVERIFIED).
//
// Booleans take exactly true or false; integers must lie in the ranges of AllowedValues
// ("0,100-2147483647" for statement_timeout: 0, or at least 100 ms; max_cursor_result_set_size
// also takes its default "default"); datestyle takes a style (ISO, Postgres, SQL, German)
// and/or an order (MDY, DMY, YMD), comma-separated, as PostgreSQL does;
// wlm_json_configuration must be a JSON array. query_group and search_path take any string.
func ValidateParameterValue(name, value string) *Error {
	def, ok := EngineDefault(name)
	if !ok {
		return InvalidParameterValue("Could not find parameter with name: " + name)
	}
	bad := func(allowed string) *Error {
		msg := "Invalid value " + value + " for parameter " + name + "."
		if allowed != "" {
			msg += " Allowed values: " + allowed
		}
		return InvalidParameterValue(msg)
	}
	switch def.DataType {
	case "boolean":
		if value != "true" && value != "false" {
			return bad(def.AllowedValues)
		}
	case "integer":
		if name == "max_cursor_result_set_size" && value == "default" {
			return nil
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || !inRanges(n, def.AllowedValues) {
			return bad(def.AllowedValues)
		}
	default:
		switch name {
		case "datestyle":
			if !validDateStyle(value) {
				return bad("a style (ISO, Postgres, SQL, German) and/or an order (MDY, DMY, YMD)")
			}
		case "wlm_json_configuration":
			var v []any
			if err := json.Unmarshal([]byte(value), &v); err != nil {
				return InvalidParameterValue("Invalid value for parameter wlm_json_configuration: the value must be a JSON array.")
			}
		}
	}
	return nil
}

// inRanges reports whether n lies in an AllowedValues list such as "0,100-2147483647" or
// "-15-2" (items are a number or lo-hi; lo may be negative).
func inRanges(n int64, allowed string) bool {
	for _, item := range strings.Split(allowed, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		dash := strings.IndexByte(item[1:], '-')
		if dash < 0 {
			if v, err := strconv.ParseInt(item, 10, 64); err == nil && v == n {
				return true
			}
			continue
		}
		lo, err1 := strconv.ParseInt(item[:dash+1], 10, 64)
		hi, err2 := strconv.ParseInt(item[dash+2:], 10, 64)
		if err1 == nil && err2 == nil && lo <= n && n <= hi {
			return true
		}
	}
	return false
}

// validDateStyle accepts PostgreSQL's DateStyle values: at most one output style and at
// most one field order, comma-separated, case-insensitive.
func validDateStyle(v string) bool {
	styles := map[string]bool{"iso": true, "postgres": true, "sql": true, "german": true}
	orders := map[string]bool{"mdy": true, "dmy": true, "ymd": true, "us": true, "noneuro": true,
		"noneuropean": true, "euro": true, "european": true}
	var style, order int
	for _, tok := range strings.Split(v, ",") {
		tok = strings.ToLower(strings.TrimSpace(tok))
		switch {
		case styles[tok]:
			style++
		case orders[tok]:
			order++
		default:
			return false
		}
	}
	return style <= 1 && order <= 1 && style+order > 0
}

package cluster

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
)

// sessionParam is a Redshift session parameter a session may SET, SHOW and RESET.
type sessionParam struct {
	def string
	// report is the ParameterStatus name sent when the value changes ("" = none), spelled
	// as Redshift spells it at startup.
	report string
	// check validates a new value; nil accepts anything.
	check func(v string) error
}

// sessionParams are the parameters fakeshift knows, with Redshift's defaults.
var sessionParams = map[string]sessionParam{
	"application_name":                 {def: "", report: "application_name"},
	"client_encoding":                  {def: "UNICODE", report: "client_encoding"},
	"datestyle":                        {def: "ISO, MDY", report: "datestyle"},
	"timezone":                         {def: "UTC", report: "TimeZone"},
	"search_path":                      {def: "$user, public"},
	"statement_timeout":                {def: "0", check: checkNonNegativeInt("statement_timeout")},
	"query_group":                      {def: "default"},
	"enable_result_cache_for_session":  {def: "on", check: checkBool("enable_result_cache_for_session")},
	"enable_case_sensitive_identifier": {def: "off", check: checkBool("enable_case_sensitive_identifier")},
	"describe_field_name_in_uppercase": {def: "off", check: checkBool("describe_field_name_in_uppercase")},
	"extra_float_digits":               {def: "0"},
	"wlm_query_slot_count":             {def: "1", check: checkNonNegativeInt("wlm_query_slot_count")},
	"analyze_threshold_percent":        {def: "10"},
	"json_serialization_enable":        {def: "false"},
	"max_concurrency_scaling_clusters": {def: "1"},
	"timezone_abbreviations":           {def: "Default"},
	"transaction_isolation":            {def: "serializable"},
	// fakeshift's own: echo this session's audit records to it as NOTICEs.
	echoAuditParam: {def: "off", check: checkBool(echoAuditParam)},
}

const echoAuditParam = "fakeshift.echo_audit"

func checkBool(name string) func(string) error {
	return func(v string) error {
		switch v {
		case "on", "off", "true", "false", "1", "0", "yes", "no":
			return nil
		}
		return sql.Errorf(sql.CodeInvalidParameterValue, `parameter "%s" requires a Boolean value`, name)
	}
}

func checkNonNegativeInt(name string) func(string) error {
	return func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return sql.Errorf(sql.CodeInvalidParameterValue, `invalid value for parameter "%s": "%s"`, name, v)
		}
		return nil
	}
}

// settings are one session's parameter values.
type settings struct {
	values           map[string]string
	statementTimeout int // milliseconds, parsed from values["statement_timeout"]
}

// newSettings starts from the defaults, the user's ALTER USER ... SET values and the
// startup packet's parameters.
func newSettings(startup map[string]string, u *User) *settings {
	st := &settings{values: map[string]string{}}
	for name, p := range sessionParams {
		st.values[name] = p.def
	}
	for name, v := range u.Config {
		if _, ok := sessionParams[name]; ok {
			st.values[name] = v
		}
	}
	for k, v := range startup {
		name := normalizeParamName(k)
		if p, ok := sessionParams[name]; ok && (p.check == nil || p.check(v) == nil) {
			st.values[name] = v
		}
	}
	st.statementTimeout, _ = strconv.Atoi(st.values["statement_timeout"])
	return st
}

// normalizeParamName maps the spellings clients use ("DateStyle", "TimeZone") to the
// parameter's name.
func normalizeParamName(k string) string {
	b := []byte(k)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (st *settings) get(name string) string { return st.values[name] }

func unknownParam(name string) error {
	return sql.Errorf(sql.CodeUndefinedObject, `unrecognized configuration parameter "%s"`, name)
}

func (s *session) set(p *sql.Set) error {
	switch p.Name {
	case "session_authorization", "role":
		return sql.Errorf(sql.CodeFeatureNotSupported, "SET %s is not supported by fakeshift", p.Name)
	}
	param, ok := sessionParams[p.Name]
	if !ok {
		return unknownParam(p.Name)
	}
	v := p.Value
	if p.Default {
		v = param.def
	}
	if param.check != nil && !p.Default {
		if err := param.check(v); err != nil {
			return err
		}
	}
	return s.setValue(p.Name, v)
}

// setValue changes a parameter, tells the engine when it acts on it (search_path) and
// tells the client when PostgreSQL would.
func (s *session) setValue(name, v string) error {
	if name == "search_path" && s.conn != nil {
		if err := s.conn.SetSearchPath(sql.ParseSearchPath(v)); err != nil {
			return err
		}
	}
	s.settings.values[name] = v
	if name == "statement_timeout" {
		s.settings.statementTimeout, _ = strconv.Atoi(v)
	}
	if r := sessionParams[name].report; r != "" {
		s.info.Client.ParameterStatus(r, v)
	}
	if name == "application_name" {
		s.recordConnection(s.connectionRecord(logger.EventSetAppName, s.c.clock.Now()))
	}
	return nil
}

func (s *session) reset(p *sql.Reset) error {
	if p.All {
		for _, name := range slices.Sorted(maps.Keys(sessionParams)) {
			if s.settings.values[name] != sessionParams[name].def {
				if err := s.setValue(name, sessionParams[name].def); err != nil {
					return err
				}
			}
		}
		return nil
	}
	param, ok := sessionParams[p.Name]
	if !ok {
		return unknownParam(p.Name)
	}
	return s.setValue(p.Name, param.def)
}

func textColumn(name string) pgwire.Column {
	return pgwire.Column{Name: name, TypeOID: 25, TypeSize: -1, TypeMod: -1}
}

func (s *session) prepareShow(p *sql.Show) (*localStmt, error) {
	if p.Name == "all" {
		cols := []pgwire.Column{textColumn("name"), textColumn("setting")}
		return s.local(cols, func(ctx context.Context) (pgwire.Result, error) {
			r := &rowsResult{tag: "SHOW"}
			for _, name := range slices.Sorted(maps.Keys(sessionParams)) {
				r.rows = append(r.rows, []any{name, s.settings.values[name]})
			}
			return r, nil
		}), nil
	}
	var value func() (string, error)
	switch p.Name {
	case "server_version":
		// Redshift keeps the server version from ordinary users.
		value = func() (string, error) {
			if !s.superuser {
				return "", sql.Errorf(sql.CodeInsufficientPrivilege, `must be superuser to examine "server_version"`)
			}
			return ServerVersion, nil
		}
	case "session_authorization":
		value = func() (string, error) { return s.userName, nil }
	case "is_superuser":
		value = func() (string, error) {
			if s.superuser {
				return "on", nil
			}
			return "off", nil
		}
	default:
		if _, ok := sessionParams[p.Name]; !ok {
			return nil, unknownParam(p.Name)
		}
		value = func() (string, error) { return s.settings.values[p.Name], nil }
	}
	return s.local([]pgwire.Column{textColumn(p.Name)}, func(ctx context.Context) (pgwire.Result, error) {
		v, err := value()
		if err != nil {
			return nil, err
		}
		return &rowsResult{rows: [][]any{{v}}, tag: "SHOW"}, nil
	}), nil
}

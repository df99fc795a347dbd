package cluster

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

func TestQueryType(t *testing.T) {
	for stmt, want := range map[string]string{
		"select 1":                               "SELECT",
		"  /* hint */ SELECT 1":                  "SELECT",
		"with x as (select 1) select * from x":   "SELECT",
		"insert into t values (1)":               "INSERT",
		"update t set a = 1":                     "UPDATE",
		"delete from t":                          "DELETE",
		"copy t from 's3://b/k' iam_role 'x'":    "COPY",
		"unload ('select 1') to 's3://b/k'":      "UNLOAD",
		"create table t2 as select * from t":     "CTAS",
		"create table t (a int)":                 "DDL",
		"create table t (note varchar(9)) -- as": "DDL",
		"create user u password 'Passw0rd1'":     "UTILITY",
		"begin":                                  "UTILITY",
		"(select 1)":                             "SELECT",
		"vacuum":                                 "UTILITY",
	} {
		require.Equal(t, want, queryType(sql.Classify(stmt), stmt), stmt)
	}
}

package auth

import "testing"

func TestRedshiftRegionFacts(t *testing.T) {
	for _, tt := range []struct {
		region, principal, logAccount, callerAccount string
	}{
		{"us-east-1", "redshift.amazonaws.com", "193672423079", "368064434614"},
		{"us-east-2", "redshift.amazonaws.com", "391106570357", "790247189693"},
		{"af-south-1", "redshift.af-south-1.amazonaws.com", "365689465814", "420376844563"},
		{"ap-south-2", "redshift.ap-south-2.amazonaws.com", "", ""},
	} {
		if got := RedshiftServicePrincipal(tt.region); got != tt.principal {
			t.Errorf("RedshiftServicePrincipal(%s) = %s, want %s", tt.region, got, tt.principal)
		}
		if got, _ := RedshiftLogAccount(tt.region); got != tt.logAccount {
			t.Errorf("RedshiftLogAccount(%s) = %s, want %s", tt.region, got, tt.logAccount)
		}
		if got, _ := RedshiftCallerAccount(tt.region); got != tt.callerAccount {
			t.Errorf("RedshiftCallerAccount(%s) = %s, want %s", tt.region, got, tt.callerAccount)
		}
	}
}

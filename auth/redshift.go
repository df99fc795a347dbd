package auth

// Facts about Redshift's own identities by region: the service principal it writes audit
// logs as, its legacy log-delivery user's account, and the account it calls other services
// from (the seed's tables, research/region-accounts.md).

// RedshiftServicePrincipal is the service principal Redshift writes audit logs as in a
// region: redshift.amazonaws.com, or redshift.<region>.amazonaws.com in an opt-in region.
func RedshiftServicePrincipal(region string) string {
	if optInRegions[region] {
		return "redshift." + region + ".amazonaws.com"
	}
	return "redshift.amazonaws.com"
}

// RedshiftLogAccount is the account of Redshift's legacy log-delivery user in a region
// (arn:aws:iam::<account>:user/logs; the Redshift management guide's table, also
// terraform-provider-aws service_account_data_source.go).
func RedshiftLogAccount(region string) (string, bool) {
	acct, ok := redshiftLogAccounts[region]
	return acct, ok
}

// RedshiftCallerAccount is the account Redshift calls other services (KMS, ...) from in a
// region, as CloudTrail shows it.
func RedshiftCallerAccount(region string) (string, bool) {
	acct, ok := redshiftCallerAccounts[region]
	return acct, ok
}

// optInRegions are the regions not enabled by default (AWS General Reference, "Managing AWS
// Regions"), whose service principals carry the region.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-south-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-7": true, "ca-west-1": true, "eu-central-2": true, "eu-south-1": true,
	"eu-south-2": true, "il-central-1": true, "me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

var redshiftLogAccounts = map[string]string{
	"us-east-1": "193672423079", "us-east-2": "391106570357", "us-west-1": "262260360010",
	"us-west-2": "902366379725", "af-south-1": "365689465814", "ap-east-1": "313564881002",
	"ap-northeast-1": "404641285394", "ap-northeast-2": "760740231472",
	"ap-northeast-3": "090321488786", "ap-south-1": "865932855811",
	"ap-southeast-1": "361669875840", "ap-southeast-2": "762762565011",
	"ca-central-1": "907379612154", "eu-central-1": "053454850223", "eu-north-1": "729911121831",
	"eu-south-1": "945612479654", "eu-west-1": "210876761215", "eu-west-2": "307160386991",
	"eu-west-3": "915173422425", "me-south-1": "013126148197", "sa-east-1": "075028567923",
	"us-gov-east-1": "665727464434", "us-gov-west-1": "665727464434",
	"cn-north-1": "111890595117", "cn-northwest-1": "660998842044",
}

var redshiftCallerAccounts = map[string]string{
	"us-east-1": "368064434614", "us-east-2": "790247189693", "us-west-1": "703715109447",
	"us-west-2": "473191095985", "af-south-1": "420376844563", "ap-east-1": "651179539253",
	"ap-south-1": "408097707231", "ap-northeast-3": "398671365691", "ap-northeast-2": "713597048934",
	"ap-southeast-1": "960118270566", "ap-southeast-2": "485979073181", "ap-northeast-1": "615915377779",
	"ca-central-1": "764870610256", "eu-central-1": "434091160558", "eu-west-1": "246478207311",
	"eu-west-2": "885798887673", "eu-south-1": "041313461515", "eu-west-3": "694668203235",
	"eu-north-1": "553461782468", "me-south-1": "051362938876", "sa-east-1": "392442076723",
}

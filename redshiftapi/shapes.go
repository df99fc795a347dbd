package redshiftapi

import "encoding/xml"

// Output shapes of the Redshift and STS operations fakeshift serves. Element names are the
// model's member names (MODEL, botocore 1.43.11); list items are named after the list
// member's locationName, or <member> when the model gives none. Where a real response is
// known, fields are in its order (real boto3 log of CreateCluster and DescribeClusters,
// research 1.2; the DescribeClusterParameters sample of the API Reference), otherwise in
// the model's order; clients do not care about the order.
//
// Fields tagged omitempty are left out when zero, which is how the real service leaves out
// what a cluster does not have yet (Endpoint, ClusterCreateTime and ClusterNodes while it
// is "creating"). Lists without omitempty are always written, empty as <Tags/>, as the real
// service writes them. TestBotocoreParsesGoldenResponses proves with botocore's parser that
// every field lands where the model says.

// Cluster is the model's Cluster shape (the members fakeshift can fill).
type Cluster struct {
	AllowVersionUpgrade              bool                            `xml:"AllowVersionUpgrade"`
	ClusterIdentifier                string                          `xml:"ClusterIdentifier"`
	ClusterRevisionNumber            string                          `xml:"ClusterRevisionNumber,omitempty"`
	NumberOfNodes                    int                             `xml:"NumberOfNodes"`
	ClusterPublicKey                 string                          `xml:"ClusterPublicKey,omitempty"`
	AvailabilityZone                 string                          `xml:"AvailabilityZone,omitempty"`
	ClusterVersion                   string                          `xml:"ClusterVersion"`
	ManualSnapshotRetentionPeriod    int                             `xml:"ManualSnapshotRetentionPeriod"`
	ClusterAvailabilityStatus        string                          `xml:"ClusterAvailabilityStatus,omitempty"`
	ModifyStatus                     string                          `xml:"ModifyStatus,omitempty"`
	Endpoint                         *Endpoint                       `xml:"Endpoint,omitempty"`
	VpcID                            string                          `xml:"VpcId,omitempty"`
	PubliclyAccessible               bool                            `xml:"PubliclyAccessible"`
	ClusterCreateTime                *Timestamp                      `xml:"ClusterCreateTime,omitempty"`
	MasterUsername                   string                          `xml:"MasterUsername"`
	DBName                           string                          `xml:"DBName"`
	EnhancedVpcRouting               bool                            `xml:"EnhancedVpcRouting"`
	IamRoles                         ClusterIamRoleList              `xml:"IamRoles"`
	ClusterNamespaceArn              string                          `xml:"ClusterNamespaceArn,omitempty"`
	ClusterSecurityGroups            ClusterSecurityGroupList        `xml:"ClusterSecurityGroups"`
	NodeType                         string                          `xml:"NodeType"`
	ClusterSubnetGroupName           string                          `xml:"ClusterSubnetGroupName,omitempty"`
	NextMaintenanceWindowStartTime   *Timestamp                      `xml:"NextMaintenanceWindowStartTime,omitempty"`
	DeferredMaintenanceWindows       DeferredMaintenanceWindowList   `xml:"DeferredMaintenanceWindows"`
	Tags                             TagList                         `xml:"Tags"`
	KmsKeyID                         string                          `xml:"KmsKeyId,omitempty"`
	VpcSecurityGroups                VpcSecurityGroupList            `xml:"VpcSecurityGroups"`
	ClusterParameterGroups           ClusterParameterGroupStatusList `xml:"ClusterParameterGroups"`
	Encrypted                        bool                            `xml:"Encrypted"`
	ClusterNodes                     ClusterNodeList                 `xml:"ClusterNodes,omitempty"`
	MaintenanceTrackName             string                          `xml:"MaintenanceTrackName,omitempty"`
	PendingModifiedValues            PendingModifiedValues           `xml:"PendingModifiedValues"`
	PreferredMaintenanceWindow       string                          `xml:"PreferredMaintenanceWindow,omitempty"`
	AutomatedSnapshotRetentionPeriod int                             `xml:"AutomatedSnapshotRetentionPeriod"`
	ClusterStatus                    string                          `xml:"ClusterStatus"`
	PendingActions                   StringList                      `xml:"PendingActions,omitempty"`
	ElasticResizeNumberOfNodeOptions string                          `xml:"ElasticResizeNumberOfNodeOptions,omitempty"`
	AvailabilityZoneRelocationStatus string                          `xml:"AvailabilityZoneRelocationStatus,omitempty"`
	TotalStorageCapacityInMegaBytes  *int64                          `xml:"TotalStorageCapacityInMegaBytes,omitempty"`
	AquaConfiguration                *AquaConfiguration              `xml:"AquaConfiguration,omitempty"`
	DefaultIamRoleArn                string                          `xml:"DefaultIamRoleArn,omitempty"`
	IPAddressType                    string                          `xml:"IpAddressType,omitempty"`
	MultiAZ                          string                          `xml:"MultiAZ,omitempty"`
}

// Endpoint is where the cluster listens (the real address and port of its listener).
type Endpoint struct {
	Address string `xml:"Address"`
	Port    int    `xml:"Port"`
}

// ClusterIamRole is an IAM role attached to a cluster; ApplyStatus is in-sync, adding or
// removing.
type ClusterIamRole struct {
	IamRoleArn  string `xml:"IamRoleArn"`
	ApplyStatus string `xml:"ApplyStatus"`
}

// ClusterSecurityGroupMembership is a (classic) cluster security group of a cluster.
type ClusterSecurityGroupMembership struct {
	ClusterSecurityGroupName string `xml:"ClusterSecurityGroupName"`
	Status                   string `xml:"Status"`
}

// VpcSecurityGroupMembership is a VPC security group of a cluster; Status is "active".
type VpcSecurityGroupMembership struct {
	VpcSecurityGroupID string `xml:"VpcSecurityGroupId"`
	Status             string `xml:"Status"`
}

// ClusterParameterGroupStatus is the parameter group of a cluster and how far its values
// are applied: ParameterApplyStatus in-sync, applying or pending-reboot.
type ClusterParameterGroupStatus struct {
	ParameterGroupName         string                     `xml:"ParameterGroupName"`
	ParameterApplyStatus       string                     `xml:"ParameterApplyStatus"`
	ClusterParameterStatusList ClusterParameterStatusList `xml:"ClusterParameterStatusList,omitempty"`
}

// ClusterParameterStatus is one parameter's apply status on a cluster (pending-reboot for a
// static parameter changed since the last reboot).
type ClusterParameterStatus struct {
	ParameterName                  string `xml:"ParameterName"`
	ParameterApplyStatus           string `xml:"ParameterApplyStatus"`
	ParameterApplyErrorDescription string `xml:"ParameterApplyErrorDescription,omitempty"`
}

// PendingModifiedValues are changes not applied yet. The real service writes the element
// always, empty as <PendingModifiedValues/>, and MasterUserPassword as "****" while a new
// password is pending (right after CreateCluster).
type PendingModifiedValues struct {
	MasterUserPassword               string `xml:"MasterUserPassword,omitempty"`
	NodeType                         string `xml:"NodeType,omitempty"`
	NumberOfNodes                    *int   `xml:"NumberOfNodes,omitempty"`
	ClusterType                      string `xml:"ClusterType,omitempty"`
	ClusterVersion                   string `xml:"ClusterVersion,omitempty"`
	AutomatedSnapshotRetentionPeriod *int   `xml:"AutomatedSnapshotRetentionPeriod,omitempty"`
	ClusterIdentifier                string `xml:"ClusterIdentifier,omitempty"`
	PubliclyAccessible               *bool  `xml:"PubliclyAccessible,omitempty"`
	EnhancedVpcRouting               *bool  `xml:"EnhancedVpcRouting,omitempty"`
	MaintenanceTrackName             string `xml:"MaintenanceTrackName,omitempty"`
	EncryptionType                   string `xml:"EncryptionType,omitempty"`
}

// ClusterNode is a node of a cluster. NodeRole is SHARED for a single-node cluster, LEADER
// and COMPUTE-0, COMPUTE-1, ... for a multi-node one (real responses).
type ClusterNode struct {
	PrivateIPAddress string `xml:"PrivateIPAddress,omitempty"`
	NodeRole         string `xml:"NodeRole"`
	PublicIPAddress  string `xml:"PublicIPAddress,omitempty"`
}

// DeferredMaintenanceWindow is a maintenance deferral.
type DeferredMaintenanceWindow struct {
	DeferMaintenanceIdentifier string     `xml:"DeferMaintenanceIdentifier,omitempty"`
	DeferMaintenanceStartTime  *Timestamp `xml:"DeferMaintenanceStartTime,omitempty"`
	DeferMaintenanceEndTime    *Timestamp `xml:"DeferMaintenanceEndTime,omitempty"`
}

// AquaConfiguration is the (retired) AQUA setting real clusters still report.
type AquaConfiguration struct {
	AquaStatus              string `xml:"AquaStatus,omitempty"`
	AquaConfigurationStatus string `xml:"AquaConfigurationStatus,omitempty"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// ClusterParameterGroup is a parameter group (CreateClusterParameterGroup,
// DescribeClusterParameterGroups). Tags are always written, empty as <Tags/>.
type ClusterParameterGroup struct {
	ParameterGroupName   string  `xml:"ParameterGroupName"`
	ParameterGroupFamily string  `xml:"ParameterGroupFamily"`
	Description          string  `xml:"Description"`
	Tags                 TagList `xml:"Tags"`
}

// Parameter is one parameter of a group, in the element order of the API Reference's
// DescribeClusterParameters sample. Source is engine-default or user, ApplyType static or
// dynamic.
type Parameter struct {
	ApplyType            string `xml:"ApplyType"`
	AllowedValues        string `xml:"AllowedValues,omitempty"`
	DataType             string `xml:"DataType"`
	Description          string `xml:"Description"`
	Source               string `xml:"Source"`
	ParameterName        string `xml:"ParameterName"`
	ParameterValue       string `xml:"ParameterValue"`
	IsModifiable         bool   `xml:"IsModifiable"`
	MinimumEngineVersion string `xml:"MinimumEngineVersion,omitempty"`
}

// LoggingStatus is the result of EnableLogging, DisableLogging and DescribeLoggingStatus.
// Every member but LoggingEnabled is left out when zero, so a cluster whose logging was
// never enabled renders only <LoggingEnabled>false</LoggingEnabled> (as aws-cli's
// describe-logging-status example shows, research 1.4).
type LoggingStatus struct {
	LoggingEnabled             bool       `xml:"LoggingEnabled"`
	BucketName                 string     `xml:"BucketName,omitempty"`
	S3KeyPrefix                string     `xml:"S3KeyPrefix,omitempty"`
	LastSuccessfulDeliveryTime *Timestamp `xml:"LastSuccessfulDeliveryTime,omitempty"`
	LastFailureTime            *Timestamp `xml:"LastFailureTime,omitempty"`
	LastFailureMessage         string     `xml:"LastFailureMessage,omitempty"`
	LogDestinationType         string     `xml:"LogDestinationType,omitempty"`
	LogExports                 StringList `xml:"LogExports,omitempty"`
}

// ClusterCredentials is the result of GetClusterCredentials. DbUser carries the IAM: or
// IAMA: prefix the client logs in with.
type ClusterCredentials struct {
	DbUser     string    `xml:"DbUser"`
	DbPassword string    `xml:"DbPassword"`
	Expiration Timestamp `xml:"Expiration"`
}

// ClusterResult is the result of CreateCluster, DeleteCluster, ModifyCluster and
// RebootCluster (the model's CreateClusterResult, DeleteClusterResult, ...).
type ClusterResult struct {
	Cluster Cluster `xml:"Cluster"`
}

// DescribeClustersResult is the model's ClustersMessage.
type DescribeClustersResult struct {
	Marker   string      `xml:"Marker,omitempty"`
	Clusters ClusterList `xml:"Clusters"`
}

// CreateClusterParameterGroupResult is the result of CreateClusterParameterGroup.
type CreateClusterParameterGroupResult struct {
	ClusterParameterGroup ClusterParameterGroup `xml:"ClusterParameterGroup"`
}

// DescribeClusterParameterGroupsResult is the model's ClusterParameterGroupsMessage.
type DescribeClusterParameterGroupsResult struct {
	Marker          string             `xml:"Marker,omitempty"`
	ParameterGroups ParameterGroupList `xml:"ParameterGroups"`
}

// DescribeClusterParametersResult is the model's ClusterParameterGroupDetails.
type DescribeClusterParametersResult struct {
	Parameters ParameterList `xml:"Parameters"`
	Marker     string        `xml:"Marker,omitempty"`
}

// DescribeDefaultClusterParametersResult is the result of DescribeDefaultClusterParameters.
type DescribeDefaultClusterParametersResult struct {
	DefaultClusterParameters DefaultClusterParameters `xml:"DefaultClusterParameters"`
}

// DefaultClusterParameters are the engine defaults of a parameter group family.
type DefaultClusterParameters struct {
	ParameterGroupFamily string        `xml:"ParameterGroupFamily"`
	Marker               string        `xml:"Marker,omitempty"`
	Parameters           ParameterList `xml:"Parameters"`
}

// ParameterGroupNameResult is the result of ModifyClusterParameterGroup and
// ResetClusterParameterGroup (the model's ClusterParameterGroupNameMessage).
type ParameterGroupNameResult struct {
	ParameterGroupName   string `xml:"ParameterGroupName"`
	ParameterGroupStatus string `xml:"ParameterGroupStatus"`
}

// ParameterGroupStatusUpdated is ParameterGroupStatus after ModifyClusterParameterGroup
// (VERIFIED, aws-cli example modify-cluster-parameter-group, research 1.6).
const ParameterGroupStatusUpdated = "Your parameter group has been updated but changes won't get applied until you reboot the associated Clusters."

// GetCallerIdentityResult is STS GetCallerIdentity's result, in the element order of the
// STS API Reference's sample response.
type GetCallerIdentityResult struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// Lists, named after their model shapes. Each renders its items under the member name the
// model gives the list (TestBotocoreParsesGoldenResponses checks them with botocore).
type (
	// ClusterList renders items as <Cluster>.
	ClusterList []Cluster
	// TagList renders items as <Tag>.
	TagList []Tag
	// ClusterIamRoleList renders items as <ClusterIamRole>.
	ClusterIamRoleList []ClusterIamRole
	// ClusterSecurityGroupList renders items as <ClusterSecurityGroup>.
	ClusterSecurityGroupList []ClusterSecurityGroupMembership
	// VpcSecurityGroupList renders items as <VpcSecurityGroup>.
	VpcSecurityGroupList []VpcSecurityGroupMembership
	// ClusterParameterGroupStatusList renders items as <ClusterParameterGroup>.
	ClusterParameterGroupStatusList []ClusterParameterGroupStatus
	// ClusterParameterStatusList renders items as <member>.
	ClusterParameterStatusList []ClusterParameterStatus
	// ClusterNodeList renders items as <member> (VERIFIED, real boto3 log).
	ClusterNodeList []ClusterNode
	// DeferredMaintenanceWindowList renders items as <DeferredMaintenanceWindow>.
	DeferredMaintenanceWindowList []DeferredMaintenanceWindow
	// ParameterList renders items as <Parameter>.
	ParameterList []Parameter
	// ParameterGroupList renders items as <ClusterParameterGroup>.
	ParameterGroupList []ClusterParameterGroup
	// StringList renders items as <member> (LogExports, PendingActions).
	StringList []string
)

// MarshalXML renders the list.
func (l ClusterList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "Cluster", l)
}

// MarshalXML renders the list.
func (l TagList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "Tag", l)
}

// MarshalXML renders the list.
func (l ClusterIamRoleList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "ClusterIamRole", l)
}

// MarshalXML renders the list.
func (l ClusterSecurityGroupList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "ClusterSecurityGroup", l)
}

// MarshalXML renders the list.
func (l VpcSecurityGroupList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "VpcSecurityGroup", l)
}

// MarshalXML renders the list.
func (l ClusterParameterGroupStatusList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "ClusterParameterGroup", l)
}

// MarshalXML renders the list.
func (l ClusterParameterStatusList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "member", l)
}

// MarshalXML renders the list.
func (l ClusterNodeList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "member", l)
}

// MarshalXML renders the list.
func (l DeferredMaintenanceWindowList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "DeferredMaintenanceWindow", l)
}

// MarshalXML renders the list.
func (l ParameterList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "Parameter", l)
}

// MarshalXML renders the list.
func (l ParameterGroupList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "ClusterParameterGroup", l)
}

// MarshalXML renders the list.
func (l StringList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "member", l)
}

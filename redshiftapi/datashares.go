package redshiftapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fakeshift/fakeshift/cluster"
)

// DataShare is the model's DataShare shape.
type DataShare struct {
	DataShareArn                     string                   `xml:"DataShareArn"`
	ProducerArn                      string                   `xml:"ProducerArn"`
	AllowPubliclyAccessibleConsumers bool                     `xml:"AllowPubliclyAccessibleConsumers"`
	DataShareAssociations            DataShareAssociationList `xml:"DataShareAssociations"`
	DataShareType                    string                   `xml:"DataShareType,omitempty"`
}

// DataShareAssociation is a consumer's association with a datashare.
type DataShareAssociation struct {
	ConsumerIdentifier string     `xml:"ConsumerIdentifier"`
	Status             string     `xml:"Status"`
	ConsumerRegion     string     `xml:"ConsumerRegion,omitempty"`
	CreatedDate        *Timestamp `xml:"CreatedDate,omitempty"`
	StatusChangeDate   *Timestamp `xml:"StatusChangeDate,omitempty"`
}

// DataShareAssociationList renders as <member> items.
type DataShareAssociationList []DataShareAssociation

// MarshalXML renders the list.
func (l DataShareAssociationList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "member", l)
}

// DataShareList renders as <member> items.
type DataShareList []DataShare

// MarshalXML renders the list.
func (l DataShareList) MarshalXML(e *xml.Encoder, s xml.StartElement) error {
	return encodeList(e, s, "member", l)
}

// DescribeDataSharesResult is the output of DescribeDataShares and
// DescribeDataSharesForProducer.
type DescribeDataSharesResult struct {
	DataShares DataShareList `xml:"DataShares"`
	Marker     string        `xml:"Marker,omitempty"`
}

// namespaceARN is a cluster's namespace ARN: a datashare's ProducerArn.
func (s *API) namespaceARN(clusterID string) string {
	return "arn:aws:redshift:" + s.cfg.Region + ":" + s.cfg.AccountID + ":namespace:" + namespaceID(clusterID)
}

// dataShareARN is arn:aws:redshift:<region>:<acct>:datashare:<namespace id>/<name>.
func (s *API) dataShareARN(clusterID, name string) string {
	return "arn:aws:redshift:" + s.cfg.Region + ":" + s.cfg.AccountID + ":datashare:" + namespaceID(clusterID) + "/" + name
}

func (s *API) shareView(clusterID string, d cluster.Datashare) DataShare {
	out := DataShare{DataShareArn: s.dataShareARN(clusterID, d.Name), ProducerArn: s.namespaceARN(clusterID),
		AllowPubliclyAccessibleConsumers: d.PublicAccessible, DataShareAssociations: DataShareAssociationList{},
		DataShareType: "INTERNAL"}
	for _, c := range d.Consumers {
		out.DataShareAssociations = append(out.DataShareAssociations, DataShareAssociation{
			ConsumerIdentifier: c.Identifier, Status: c.Status,
			CreatedDate: NewTimestamp(c.Created), StatusChangeDate: NewTimestamp(c.StatusChanged)})
	}
	return out
}

// sharedCluster is a running cluster and its datashares.
type sharedCluster struct {
	id     string
	c      *cluster.Cluster
	shares []cluster.Datashare
}

// allShares lists every running cluster's datashares, by datashare ARN.
func (s *API) allShares() ([]sharedCluster, error) {
	states, err := s.clusters()
	if err != nil {
		return nil, err
	}
	var out []sharedCluster
	for _, st := range states {
		cl, _, ok := s.cfg.Runtime.ClusterByID(st.ID)
		if !ok {
			continue
		}
		shares, err := cl.Datashares()
		if err != nil {
			return nil, err
		}
		out = append(out, sharedCluster{id: st.ID, c: cl, shares: shares})
	}
	return out, nil
}

// findShare resolves a DataShareArn to its cluster and datashare name.
func (s *API) findShare(arn string) (*sharedCluster, string, error) {
	all, err := s.allShares()
	if err != nil {
		return nil, "", err
	}
	for i := range all {
		for _, d := range all[i].shares {
			if s.dataShareARN(all[i].id, d.Name) == arn {
				return &all[i], d.Name, nil
			}
		}
	}
	return nil, "", InvalidDataShare("The datashare " + arn + " does not exist.")
}

func (s *API) authorizeDataShare(c *call) (any, error) {
	return s.setShareStatus(c, cluster.ShareAuthorized)
}

func (s *API) deauthorizeDataShare(c *call) (any, error) {
	return s.setShareStatus(c, cluster.ShareDeauthorized)
}

func (s *API) setShareStatus(c *call, status string) (any, error) {
	arn, err := c.required("DataShareArn")
	if err != nil {
		return nil, err
	}
	consumer, err := c.required("ConsumerIdentifier")
	if err != nil {
		return nil, err
	}
	if w, e := c.boolean("AllowWrites"); e != nil {
		return nil, e
	} else if w != nil && *w {
		return nil, UnsupportedOperation("AllowWrites is not supported by fakeshift")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, name, err := s.findShare(arn)
	if err != nil {
		return nil, err
	}
	d, err := sc.c.SetDatashareStatus(name, consumer, status)
	if err != nil {
		if errors.Is(err, cluster.ErrNoDatashare) {
			return nil, InvalidDataShare("The datashare " + arn + " is not shared with the consumer " + consumer + ".")
		}
		if errors.Is(err, cluster.ErrDatashareState) {
			return nil, InvalidDataShare(fmt.Sprintf("The datashare %s cannot change to %s for the consumer %s: its association is %s.",
				arn, status, consumer, associationStatus(d, consumer)))
		}
		return nil, err
	}
	return s.shareView(sc.id, d), nil
}

func (s *API) describeDataShares(c *call) (any, error) {
	arn, _ := c.p.String("DataShareArn")
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	all, err := s.allShares()
	if err != nil {
		return nil, err
	}
	list := s.selectShares(all, func(sc sharedCluster, d cluster.Datashare) bool {
		return arn == "" || s.dataShareARN(sc.id, d.Name) == arn
	})
	if arn != "" && len(list) == 0 {
		return nil, InvalidDataShare("The datashare " + arn + " does not exist.")
	}
	return sharePage(list, marker, max), nil
}

func (s *API) describeDataSharesForProducer(c *call) (any, error) {
	producer, _ := c.p.String("ProducerArn")
	status, _ := c.p.String("Status")
	if status != "" && !validProducerStatus[status] {
		return nil, InvalidParameterValue("Invalid Status: " + status + ". Valid values: ACTIVE, AUTHORIZED, PENDING_AUTHORIZATION, DEAUTHORIZED, REJECTED.")
	}
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	all, err := s.allShares()
	if err != nil {
		return nil, err
	}
	if producer != "" && !slices.ContainsFunc(all, func(sc sharedCluster) bool { return s.namespaceARN(sc.id) == producer }) {
		return nil, InvalidNamespace("The namespace " + producer + " does not exist.")
	}
	list := s.selectShares(all, func(sc sharedCluster, d cluster.Datashare) bool {
		if producer != "" && s.namespaceARN(sc.id) != producer {
			return false
		}
		return status == "" || slices.ContainsFunc(d.Consumers, func(dc cluster.DatashareConsumer) bool { return dc.Status == status })
	})
	return sharePage(list, marker, max), nil
}

var validProducerStatus = map[string]bool{"ACTIVE": true, "AUTHORIZED": true, "PENDING_AUTHORIZATION": true,
	"DEAUTHORIZED": true, "REJECTED": true}

// selectShares returns the views of the datashares of all that keep selects, ordered by ARN.
func (s *API) selectShares(all []sharedCluster, keep func(sharedCluster, cluster.Datashare) bool) []DataShare {
	var list []DataShare
	for _, sc := range all {
		for _, d := range sc.shares {
			if keep(sc, d) {
				list = append(list, s.shareView(sc.id, d))
			}
		}
	}
	slices.SortFunc(list, func(a, b DataShare) int { return strings.Compare(a.DataShareArn, b.DataShareArn) })
	return list
}

// sharePage is the page of list after marker; the marker is the last ARN of a page.
func sharePage(list []DataShare, marker string, max int) DescribeDataSharesResult {
	items, next := page(list, func(d DataShare) string { return d.DataShareArn }, marker, max)
	return DescribeDataSharesResult{DataShares: append(DataShareList{}, items...), Marker: next}
}

// associationStatus is the status of a consumer's association with a datashare.
func associationStatus(d cluster.Datashare, consumer string) string {
	for _, c := range d.Consumers {
		if c.Identifier == consumer {
			return c.Status
		}
	}
	return "absent"
}

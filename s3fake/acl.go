package s3fake

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
)

// ACL permissions and the predefined groups (S3 user guide, "Access control list (ACL)
// overview").
const (
	permFullControl = "FULL_CONTROL"
	permRead        = "READ"
	permWrite       = "WRITE"
	permReadACP     = "READ_ACP"
	permWriteACP    = "WRITE_ACP"

	groupAllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"

	xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"
)

type aclGrantee struct {
	Type  string `json:"type"` // CanonicalUser, Group, AmazonCustomerByEmail
	ID    string `json:"id,omitempty"`
	URI   string `json:"uri,omitempty"`
	Email string `json:"email,omitempty"`
}

type aclGrant struct {
	Grantee    aclGrantee `json:"grantee"`
	Permission string     `json:"permission"`
}

// grants is the bucket ACL: what was put, or the owner's FULL_CONTROL.
func (a *bucketAttrs) grants(ownerID string) []aclGrant {
	if a.Ownership == ownershipEnforced || a.ACL == nil {
		return []aclGrant{ownerFullControl(ownerID)}
	}
	return a.ACL
}

func ownerFullControl(ownerID string) aclGrant {
	return aclGrant{Grantee: aclGrantee{Type: "CanonicalUser", ID: ownerID}, Permission: permFullControl}
}

// ownerOnly reports whether grants give only the owner full control (what S3 still accepts
// when ACLs are disabled).
func ownerOnly(grants []aclGrant, ownerID string) bool {
	for _, g := range grants {
		if g.Grantee.ID != ownerID || g.Permission != permFullControl {
			return false
		}
	}
	return true
}

// cannedACLs are the canned ACLs S3 accepts in x-amz-acl, as bucket grants beyond the
// owner's FULL_CONTROL.
var cannedACLs = map[string][]aclGrant{
	"private":                   nil,
	"public-read":               {groupGrant(groupAllUsers, permRead)},
	"public-read-write":         {groupGrant(groupAllUsers, permRead), groupGrant(groupAllUsers, permWrite)},
	"authenticated-read":        {groupGrant(groupAuthenticatedUsers, permRead)},
	"aws-exec-read":             nil,
	"bucket-owner-read":         nil,
	"bucket-owner-full-control": nil,
	"log-delivery-write":        {groupGrant(groupLogDelivery, permWrite), groupGrant(groupLogDelivery, permReadACP)},
}

func groupGrant(uri, perm string) aclGrant {
	return aclGrant{Grantee: aclGrantee{Type: "Group", URI: uri}, Permission: perm}
}

// requestedACL reads the ACL a request sets: a canned x-amz-acl, x-amz-grant-* headers or,
// for the acl sub-resource, an AccessControlPolicy body. nil means the request sets none.
func requestedACL(r *http.Request, ownerID string) ([]aclGrant, error) {
	canned := r.Header.Get("x-amz-acl")
	var grants []aclGrant
	explicit := false
	for header, perm := range map[string]string{
		"x-amz-grant-full-control": permFullControl, "x-amz-grant-read": permRead,
		"x-amz-grant-write": permWrite, "x-amz-grant-read-acp": permReadACP, "x-amz-grant-write-acp": permWriteACP,
	} {
		v := r.Header.Get(header)
		if v == "" {
			continue
		}
		explicit = true
		gs, err := parseGrantHeader(header, v, perm)
		if err != nil {
			return nil, err
		}
		grants = append(grants, gs...)
	}
	switch {
	case canned != "" && explicit:
		return nil, s3err("InvalidRequest", http.StatusBadRequest,
			"Specifying both Canned ACLs and Header Grants is not allowed")
	case canned != "":
		extra, ok := cannedACLs[canned]
		if !ok {
			return nil, errInvalidArgument.withArg("x-amz-acl", canned)
		}
		return append([]aclGrant{ownerFullControl(ownerID)}, extra...), nil
	case explicit:
		return grants, nil
	}
	return nil, nil
}

var grantItem = regexp.MustCompile(`^\s*(id|uri|emailAddress)\s*=\s*"?([^",]+)"?\s*$`)

// grantHeaderTypes are the grantee types of the names grantItem takes.
var grantHeaderTypes = map[string]string{"id": "CanonicalUser", "uri": "Group", "emailAddress": "AmazonCustomerByEmail"}

func parseGrantHeader(header, v, perm string) ([]aclGrant, error) {
	var out []aclGrant
	for _, item := range strings.Split(v, ",") {
		m := grantItem.FindStringSubmatch(item)
		if m == nil {
			return nil, errInvalidArgument.withArg(header, v)
		}
		g, err := newGrant(grantHeaderTypes[m[1]], m[2], perm)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// newGrant checks a grant of a header or an AccessControlPolicy body: a grantee of type typ
// named by value (a canonical user id, a group URI, an e-mail address), a permission
// already checked.
func newGrant(typ, value, perm string) (aclGrant, error) {
	switch typ {
	case "CanonicalUser":
		if !canonicalIDPattern.MatchString(value) {
			return aclGrant{}, s3err("InvalidArgument", http.StatusBadRequest, "Invalid id").withArg("CanonicalUser/ID", value)
		}
		return aclGrant{Grantee: aclGrantee{Type: "CanonicalUser", ID: value}, Permission: perm}, nil
	case "Group":
		if !knownGroup(value) {
			return aclGrant{}, s3err("InvalidArgument", http.StatusBadRequest, "Invalid group uri").withArg("Group/URI", value)
		}
		return groupGrant(value, perm), nil
	case "AmazonCustomerByEmail":
		return aclGrant{}, notImplemented("grants by e-mail address")
	}
	return aclGrant{}, errMalformedXML
}

var canonicalIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func knownGroup(uri string) bool {
	return uri == groupAllUsers || uri == groupAuthenticatedUsers || uri == groupLogDelivery
}

// --- XML -----------------------------------------------------------------------------

type ownerXML struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// granteeOut is a grantee as S3 writes it, with the xsi:type attribute.
type granteeOut struct {
	XMLNSXSI string `xml:"xmlns:xsi,attr"`
	Type     string `xml:"xsi:type,attr"`
	ID       string `xml:"ID,omitempty"`
	URI      string `xml:"URI,omitempty"`
	Email    string `xml:"EmailAddress,omitempty"`
}

type aclOut struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Xmlns   string   `xml:"xmlns,attr"`
	Owner   ownerXML `xml:"Owner"`
	Grants  []struct {
		Grantee    granteeOut `xml:"Grantee"`
		Permission string     `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

// aclIn is an AccessControlPolicy as clients send it (xsi:type matched by its local name).
type aclIn struct {
	Owner  *ownerXML `xml:"Owner"`
	Grants []struct {
		Grantee struct {
			Type  string `xml:"type,attr"`
			ID    string `xml:"ID"`
			URI   string `xml:"URI"`
			Email string `xml:"EmailAddress"`
		} `xml:"Grantee"`
		Permission string `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

func writeACL(c *call, ownerID string, grants []aclGrant) error {
	out := aclOut{Xmlns: s3Namespace, Owner: ownerXML{ID: ownerID}}
	for _, g := range grants {
		out.Grants = append(out.Grants, struct {
			Grantee    granteeOut `xml:"Grantee"`
			Permission string     `xml:"Permission"`
		}{granteeOut{XMLNSXSI: xsiNamespace, Type: g.Grantee.Type, ID: g.Grantee.ID, URI: g.Grantee.URI, Email: g.Grantee.Email}, g.Permission})
	}
	return writeXML(c.w, out)
}

func (s *S3) getBucketACL(c *call) error {
	owner := s.canonicalID(c.attrs.Owner)
	return writeACL(c, owner, c.attrs.grants(owner))
}

// bodyACL reads the grants of an AccessControlPolicy body.
func bodyACL(c *call) ([]aclGrant, error) {
	var in aclIn
	if err := readXML(c, &in); err != nil {
		return nil, err
	}
	var out []aclGrant
	for _, g := range in.Grants {
		switch g.Permission {
		case permFullControl, permRead, permWrite, permReadACP, permWriteACP:
		default:
			return nil, errMalformedXML
		}
		value := g.Grantee.ID
		if g.Grantee.Type == "Group" {
			value = g.Grantee.URI
		}
		grant, err := newGrant(g.Grantee.Type, value, g.Permission)
		if err != nil {
			return nil, err
		}
		out = append(out, grant)
	}
	return out, nil
}

// requestOrBodyACL reads the ACL a Put*Acl call sets: its headers (requestedACL), else its
// AccessControlPolicy body.
func requestOrBodyACL(c *call, ownerID string) ([]aclGrant, error) {
	grants, err := requestedACL(c.r, ownerID)
	if err != nil || grants != nil {
		return grants, err
	}
	return bodyACL(c)
}

func (s *S3) putBucketACL(c *call) error {
	owner := s.canonicalID(c.attrs.Owner)
	grants, err := requestOrBodyACL(c, owner)
	if err != nil {
		return err
	}
	if c.attrs.Ownership == ownershipEnforced && !ownerOnly(grants, owner) {
		return errACLNotSupported.withBucket(c.bucket)
	}
	return s.setAttrs(c, http.StatusOK, func(a *bucketAttrs) error { a.ACL = grants; return nil })
}

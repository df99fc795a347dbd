package s3fake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Object ownership settings (S3 Object Ownership). New buckets get BucketOwnerEnforced, as in
// S3 since April 2023; "" means the controls were deleted, which behaves as ObjectWriter.
const (
	ownershipEnforced  = "BucketOwnerEnforced"
	ownershipPreferred = "BucketOwnerPreferred"
	ownershipWriter    = "ObjectWriter"
)

// bucketAttrs is what s3fake keeps with each bucket, beside its objects: who owns it and
// the configuration real S3 enforces. Stored as JSON in the bucket's record, so it is
// created and deleted with the bucket.
type bucketAttrs struct {
	Owner   string    `json:"owner"` // account id
	Region  string    `json:"region"`
	Created time.Time `json:"created"`

	Policy     string      `json:"policy,omitempty"`     // the document as put
	ACL        []aclGrant  `json:"acl,omitempty"`        // nil: private (owner FULL_CONTROL)
	Ownership  string      `json:"ownership,omitempty"`  // see ownership*
	Encryption *encryption `json:"encryption,omitempty"` // nil: S3's default, SSE-S3
	Tags       []tag       `json:"tags,omitempty"`       // nil: no tag set

	ObjectLock     bool              `json:"object_lock,omitempty"`
	ObjectLockRule *defaultRetention `json:"object_lock_rule,omitempty"`

	PublicAccessBlock *publicAccessBlock `json:"public_access_block,omitempty"` // nil: deleted

	// policy is Policy parsed, once per load of the attributes (they are cached until they
	// change), so that a request evaluates it without parsing; nil when there is none.
	policy *policy.Policy
}

// newBucketAttrs is the configuration of a new bucket: S3's defaults for one made today
// (BucketOwnerEnforced, every public access blocked, no policy, private).
func newBucketAttrs(owner, region string, created time.Time) *bucketAttrs {
	return &bucketAttrs{Owner: owner, Region: region, Created: created.UTC(),
		Ownership: ownershipEnforced, PublicAccessBlock: &publicAccessBlock{true, true, true, true}}
}

type encryption struct {
	Algorithm        string `json:"algorithm"` // AES256, aws:kms, aws:kms:dsse
	KMSKeyID         string `json:"kms_key_id,omitempty"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
}

type tag struct {
	Key   string `json:"key" xml:"Key"`
	Value string `json:"value" xml:"Value"`
}

type defaultRetention struct {
	Mode  string `json:"mode" xml:"Mode"`
	Days  int    `json:"days,omitempty" xml:"Days,omitempty"`
	Years int    `json:"years,omitempty" xml:"Years,omitempty"`
}

type publicAccessBlock struct {
	BlockPublicAcls       bool `json:"block_public_acls" xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls" xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"block_public_policy" xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets" xml:"RestrictPublicBuckets"`
}

// loadBucket returns a bucket's attributes, nil when it does not exist. They are cached
// (every change goes through this package: updateBucket, createBucket, deleteBucket) and
// must not be modified.
func (s *S3) loadBucket(name string) (*bucketAttrs, error) {
	if a, ok := s.attrs.Load(name); ok {
		return a.(*bucketAttrs), nil
	}
	s.attrsMu.RLock()
	defer s.attrsMu.RUnlock()
	raw, err := s.backend.BucketAttrs(name)
	if err != nil {
		if e, ok := asError(err); ok && e.Code == errNoSuchBucket.Code {
			return nil, nil
		}
		return nil, fmt.Errorf("load bucket %s: %w", name, err)
	}
	var a bucketAttrs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("decode bucket %s: %w", name, err)
	}
	if a.Policy != "" {
		// The policy parsed when it was put; a failure now is ours.
		if a.policy, err = policy.Parse([]byte(a.Policy), name); err != nil {
			return nil, fmt.Errorf("parse the stored policy of bucket %s: %w", name, err)
		}
	}
	s.attrs.Store(name, &a)
	return &a, nil
}

// changeBucket runs a change of a bucket's stored attributes (or its existence) and drops
// the cached copy; loads wait for it.
func (s *S3) changeBucket(name string, change func() error) error {
	s.attrsMu.Lock()
	defer s.attrsMu.Unlock()
	defer s.attrs.Delete(name)
	return change()
}

// setAttrs changes the call's bucket's attributes with fn and answers status: the whole of
// a configuration call once its input is checked (S3 answers 200 to some, 204 to others).
func (s *S3) setAttrs(c *call, status int, fn func(a *bucketAttrs) error) error {
	if err := s.updateBucket(c.bucket, fn); err != nil {
		return err
	}
	c.w.WriteHeader(status)
	return nil
}

// updateBucket changes a bucket's attributes atomically.
func (s *S3) updateBucket(name string, fn func(a *bucketAttrs) error) error {
	return s.changeBucket(name, func() error {
		return s.backend.UpdateBucketAttrs(name, func(old []byte) ([]byte, error) {
			var a bucketAttrs
			if err := json.Unmarshal(old, &a); err != nil {
				return nil, fmt.Errorf("decode bucket %s: %w", name, err)
			}
			if err := fn(&a); err != nil {
				return nil, err
			}
			return json.Marshal(&a)
		})
	})
}

func (s *S3) canonicalID(accountID string) string {
	if a, ok := s.cfg.Directory.Account(accountID); ok {
		return a.CanonicalID
	}
	return auth.CanonicalUserID(accountID)
}

// writeXML writes a 200 response with an XML document.
func writeXML(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, xml.Header)
	return xml.NewEncoder(w).Encode(v)
}

// readXML decodes a small XML request body; anything malformed is MalformedXML.
func readXML(c *call, v any) error {
	body, err := readSmallBody(c)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return errMalformedXML
	}
	return nil
}

// --- buckets -------------------------------------------------------------------------

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

func (s *S3) listBuckets(c *call) error {
	infos, err := s.backend.ListBuckets()
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	after := ""
	if tok := q.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return errInvalidArgument.withArg("continuation-token", tok)
		}
		after = string(b)
	}
	limit := 10000
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return errInvalidArgument.withArg("max-buckets", v)
		}
		limit = n
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	var out []bucketEntry
	next := ""
	for _, info := range infos {
		if info.Name <= after || !strings.HasPrefix(info.Name, prefix) {
			continue
		}
		a, err := s.loadBucket(info.Name)
		if err != nil || a == nil || a.Owner != c.principal.AccountID || (region != "" && a.Region != region) {
			continue
		}
		if len(out) == limit {
			next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1].Name))
			break
		}
		out = append(out, bucketEntry{Name: info.Name, CreationDate: a.Created.UTC().Format(timeFormat), BucketRegion: a.Region})
	}
	return writeXML(c.w, struct {
		XMLName           xml.Name      `xml:"ListAllMyBucketsResult"`
		Xmlns             string        `xml:"xmlns,attr"`
		Owner             ownerXML      `xml:"Owner"`
		Buckets           []bucketEntry `xml:"Buckets>Bucket"`
		ContinuationToken string        `xml:"ContinuationToken,omitempty"`
		Prefix            string        `xml:"Prefix,omitempty"`
	}{Xmlns: s3Namespace, Owner: ownerXML{ID: s.canonicalID(c.principal.AccountID)}, Buckets: out,
		ContinuationToken: next, Prefix: prefix})
}

const timeFormat = "2006-01-02T15:04:05.000Z"

func (s *S3) createBucket(c *call) error {
	if err := validBucketName(c.bucket); err != nil {
		return err
	}
	var conf struct {
		LocationConstraint string `xml:"LocationConstraint"`
	}
	if body, err := readSmallBody(c); err != nil {
		return err
	} else if len(strings.TrimSpace(string(body))) > 0 {
		if err := xml.Unmarshal(body, &conf); err != nil {
			return errMalformedXML
		}
	}
	region, err := s.bucketRegion(conf.LocationConstraint)
	if err != nil {
		return err
	}
	ownership := ownershipEnforced
	if v := c.r.Header.Get("x-amz-object-ownership"); v != "" {
		if v != ownershipEnforced && v != ownershipPreferred && v != ownershipWriter {
			return errInvalidArgument.withArg("x-amz-object-ownership", v)
		}
		ownership = v
	}
	owner := s.canonicalID(c.principal.AccountID)
	grants, err := requestedACL(c.r, owner)
	if err != nil {
		return err
	}
	if grants != nil && ownership == ownershipEnforced && !ownerOnly(grants, owner) {
		return errACLWithEnforced.withBucket(c.bucket)
	}
	attrs := newBucketAttrs(c.principal.AccountID, region, s.cfg.Clock.Now())
	attrs.Ownership = ownership
	attrs.ObjectLock = strings.EqualFold(c.r.Header.Get("x-amz-bucket-object-lock-enabled"), "true")
	if !ownerOnly(grants, owner) {
		attrs.ACL = grants
	}
	raw, err := json.Marshal(attrs)
	if err != nil {
		return err
	}
	if err := s.changeBucket(c.bucket, func() error { return s.backend.CreateBucketWith(c.bucket, raw) }); err != nil {
		if e, ok := asError(err); !ok || e.Code != errBucketExists.Code {
			return err
		}
		existing, lerr := s.loadBucket(c.bucket)
		if lerr != nil {
			return lerr
		}
		if existing == nil || existing.Owner != c.principal.AccountID {
			return errBucketExists.withBucket(c.bucket)
		}
		// S3: in us-east-1 a create of a bucket you own succeeds again (and resets its ACL);
		// elsewhere it is BucketAlreadyOwnedByYou.
		if s.cfg.Region != "us-east-1" {
			return errBucketOwnedByYou.withBucket(c.bucket)
		}
		if err := s.updateBucket(c.bucket, func(a *bucketAttrs) error { a.ACL = attrs.ACL; return nil }); err != nil {
			return err
		}
	}
	if attrs.ObjectLock {
		// S3 turns versioning on with Object Lock.
		if err := s.backend.SetVersioningConfiguration(c.bucket, gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}); err != nil {
			return err
		}
	}
	c.w.Header().Set("Location", "/"+c.bucket)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// bucketRegion is the region a CreateBucket's LocationConstraint asks for, checked as the
// endpoint of s3fake's region checks it: us-east-1 takes any region but itself by name;
// another region's endpoint takes only its own.
func (s *S3) bucketRegion(constraint string) (string, error) {
	home := s.cfg.Region
	switch {
	case constraint == "" && home == "us-east-1":
		return home, nil
	case constraint == "":
		return "", s3err("IllegalLocationConstraintException", http.StatusBadRequest,
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case constraint == "us-east-1" || !regionName.MatchString(constraint):
		return "", errInvalidLocation
	case constraint == "EU":
		return "eu-west-1", nil
	case home != "us-east-1" && constraint != home:
		return "", s3err("IllegalLocationConstraintException", http.StatusBadRequest,
			"The "+constraint+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	return constraint, nil
}

var regionName = regexp.MustCompile(`^(EU|[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d)$`)

// validBucketName applies S3's general purpose bucket naming rules.
func validBucketName(name string) error {
	bad := func() error {
		e := s3err("InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid.")
		return e.withBucket(name)
	}
	if len(name) < 3 || len(name) > 63 || !bucketName.MatchString(name) || strings.Contains(name, "..") ||
		strings.Contains(name, ".-") || strings.Contains(name, "-.") || net.ParseIP(name) != nil {
		return bad()
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad()
		}
	}
	for _, suf := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suf) {
			return bad()
		}
	}
	return nil
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)

func (s *S3) deleteBucket(c *call) error {
	if err := s.changeBucket(c.bucket, func() error { return s.backend.DeleteBucket(c.bucket) }); err != nil {
		if e, ok := asError(err); ok {
			return e.withBucket(c.bucket)
		}
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *S3) headBucket(c *call) error {
	c.w.Header().Set("x-amz-bucket-region", c.attrs.Region)
	c.w.Header().Set("x-amz-access-point-alias", "false")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *S3) listObjects(c *call) error {
	if c.r.URL.Query().Get("list-type") != "2" {
		return s.pass(c)
	}
	// gofakes3 leaves KeyCount out of an empty ListObjectsV2 result (omitempty); S3 writes
	// <KeyCount>0</KeyCount>, and boto3 users read it.
	capt := newCapture()
	s.fakeServe(capt, c, cleanRequest(c, nil, nil))
	if capt.status == http.StatusOK && !bytes.Contains(capt.body.Bytes(), []byte("<KeyCount>")) {
		body := bytes.Replace(capt.body.Bytes(), []byte("</ListBucketResult>"), []byte("<KeyCount>0</KeyCount></ListBucketResult>"), 1)
		capt.body.Reset()
		capt.body.Write(body)
		capt.header.Del("Content-Length")
	}
	capt.flush(c.w)
	return nil
}

func (s *S3) getLocation(c *call) error {
	loc := c.attrs.Region
	if loc == "us-east-1" {
		loc = ""
	}
	return writeXML(c.w, struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Xmlns   string   `xml:"xmlns,attr"`
		Value   string   `xml:",chardata"`
	}{Xmlns: s3Namespace, Value: loc})
}

// emptyDoc writes an XML document with no content: the answer S3 gives for a
// configuration that is off (logging, acceleration, notifications).
func emptyDoc(c *call, name string) error {
	return writeXML(c.w, struct {
		XMLName xml.Name
		Xmlns   string `xml:"xmlns,attr"`
	}{XMLName: xml.Name{Local: name}, Xmlns: s3Namespace})
}

func (s *S3) getLogging(c *call) error      { return emptyDoc(c, "BucketLoggingStatus") }
func (s *S3) getAccelerate(c *call) error   { return emptyDoc(c, "AccelerateConfiguration") }
func (s *S3) getNotification(c *call) error { return emptyDoc(c, "NotificationConfiguration") }

func (s *S3) getRequestPayment(c *call) error {
	return writeXML(c.w, struct {
		XMLName xml.Name `xml:"RequestPaymentConfiguration"`
		Xmlns   string   `xml:"xmlns,attr"`
		Payer   string   `xml:"Payer"`
	}{Xmlns: s3Namespace, Payer: "BucketOwner"})
}

// getVersioning answers the bucket's versioning status, leaving out what is not set, as S3
// does (gofakes3 writes empty elements).
func (s *S3) getVersioning(c *call) error {
	conf, err := s.backend.VersioningConfiguration(c.bucket)
	if err != nil {
		return err
	}
	return writeXML(c.w, struct {
		XMLName   xml.Name `xml:"VersioningConfiguration"`
		Xmlns     string   `xml:"xmlns,attr"`
		Status    string   `xml:"Status,omitempty"`
		MFADelete string   `xml:"MfaDelete,omitempty"`
	}{Xmlns: s3Namespace, Status: string(conf.Status), MFADelete: string(conf.MFADelete)})
}

// putVersioning refuses to suspend versioning on an Object Lock bucket, as S3 does, and
// lets gofakes3 do the rest.
func (s *S3) putVersioning(c *call) error {
	body, err := readSmallBody(c)
	if err != nil {
		return err
	}
	if c.attrs.ObjectLock && bytes.Contains(body, []byte("Suspended")) {
		return s3err("InvalidBucketState", http.StatusConflict,
			"An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
	}
	s.fakeServe(c.w, c, cleanRequest(c, nil, body))
	return nil
}

// --- policy --------------------------------------------------------------------------

// ownerCall refuses a policy call from outside the owner account: S3 answers 405 to an
// identity with the permission that does not belong to the owner's account.
func ownerCall(c *call) error {
	if c.principal.Kind != auth.KindAccount || c.principal.AccountID != c.attrs.Owner {
		return errMethodNotAllowed
	}
	return nil
}

func (s *S3) getBucketPolicy(c *call) error {
	if err := ownerCall(c); err != nil {
		return err
	}
	if c.attrs.Policy == "" {
		return errNoSuchBucketPolicy.withBucket(c.bucket)
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	io.WriteString(c.w, c.attrs.Policy)
	return nil
}

func (s *S3) putBucketPolicy(c *call) error {
	if err := ownerCall(c); err != nil {
		return err
	}
	doc, err := readSmallBody(c)
	if err != nil {
		return err
	}
	if _, err := policy.Parse(doc, c.bucket); err != nil {
		return err
	}
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Policy = string(doc); return nil })
}

func (s *S3) deleteBucketPolicy(c *call) error {
	if err := ownerCall(c); err != nil {
		return err
	}
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Policy = ""; return nil })
}

// --- ownership, encryption, object lock, tags, public access block ----------------------

type ownershipXML struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func (s *S3) getOwnership(c *call) error {
	if c.attrs.Ownership == "" {
		return errNoOwnership.withBucket(c.bucket)
	}
	v := ownershipXML{Xmlns: s3Namespace}
	v.Rules = append(v.Rules, struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	}{c.attrs.Ownership})
	return writeXML(c.w, v)
}

func (s *S3) putOwnership(c *call) error {
	var v ownershipXML
	if err := readXML(c, &v); err != nil {
		return err
	}
	if len(v.Rules) != 1 {
		return errMalformedXML
	}
	o := v.Rules[0].ObjectOwnership
	if o != ownershipEnforced && o != ownershipPreferred && o != ownershipWriter {
		return errMalformedXML
	}
	return s.setAttrs(c, http.StatusOK, func(a *bucketAttrs) error {
		if o == ownershipEnforced && a.ACL != nil && !ownerOnly(a.ACL, s.canonicalID(a.Owner)) {
			return errACLWithEnforced.withBucket(c.bucket)
		}
		a.Ownership = o
		return nil
	})
}

func (s *S3) deleteOwnership(c *call) error {
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Ownership = ""; return nil })
}

type encryptionXML struct {
	XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		Default *struct {
			SSEAlgorithm   string `xml:"SSEAlgorithm"`
			KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled *bool `xml:"BucketKeyEnabled"`
	} `xml:"Rule"`
}

// bucketEncryption is the bucket's default encryption: its configuration, or S3's default
// for every bucket since January 2023, SSE-S3.
func (a *bucketAttrs) bucketEncryption() encryption {
	if a.Encryption != nil {
		return *a.Encryption
	}
	return encryption{Algorithm: "AES256"}
}

func (s *S3) getEncryption(c *call) error {
	e := c.attrs.bucketEncryption()
	v := encryptionXML{Xmlns: s3Namespace}
	v.Rules = make([]struct {
		Default *struct {
			SSEAlgorithm   string `xml:"SSEAlgorithm"`
			KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled *bool `xml:"BucketKeyEnabled"`
	}, 1)
	v.Rules[0].Default = &struct {
		SSEAlgorithm   string `xml:"SSEAlgorithm"`
		KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
	}{e.Algorithm, e.KMSKeyID}
	v.Rules[0].BucketKeyEnabled = &e.BucketKeyEnabled
	return writeXML(c.w, v)
}

func (s *S3) putEncryption(c *call) error {
	var v encryptionXML
	if err := readXML(c, &v); err != nil {
		return err
	}
	if len(v.Rules) != 1 || v.Rules[0].Default == nil {
		return errMalformedXML
	}
	d := v.Rules[0].Default
	e := &encryption{Algorithm: d.SSEAlgorithm, KMSKeyID: d.KMSMasterKeyID}
	if v.Rules[0].BucketKeyEnabled != nil {
		e.BucketKeyEnabled = *v.Rules[0].BucketKeyEnabled
	}
	switch e.Algorithm {
	case "AES256":
		if e.KMSKeyID != "" {
			return s3err("InvalidArgument", http.StatusBadRequest,
				"a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return errMalformedXML
	}
	return s.setAttrs(c, http.StatusOK, func(a *bucketAttrs) error { a.Encryption = e; return nil })
}

func (s *S3) deleteEncryption(c *call) error {
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Encryption = nil; return nil })
}

type objectLockXML struct {
	XMLName           xml.Name `xml:"ObjectLockConfiguration"`
	Xmlns             string   `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string   `xml:"ObjectLockEnabled,omitempty"`
	Rule              *struct {
		DefaultRetention *defaultRetention `xml:"DefaultRetention"`
	} `xml:"Rule"`
}

func (s *S3) getObjectLock(c *call) error {
	if !c.attrs.ObjectLock {
		return errNoObjectLock.withBucket(c.bucket)
	}
	v := objectLockXML{Xmlns: s3Namespace, ObjectLockEnabled: "Enabled"}
	if c.attrs.ObjectLockRule != nil {
		v.Rule = &struct {
			DefaultRetention *defaultRetention `xml:"DefaultRetention"`
		}{c.attrs.ObjectLockRule}
	}
	return writeXML(c.w, v)
}

func (s *S3) putObjectLock(c *call) error {
	var v objectLockXML
	if err := readXML(c, &v); err != nil {
		return err
	}
	if v.ObjectLockEnabled != "Enabled" {
		return errMalformedXML
	}
	var rule *defaultRetention
	if v.Rule != nil && v.Rule.DefaultRetention != nil {
		rule = v.Rule.DefaultRetention
		if (rule.Mode != "GOVERNANCE" && rule.Mode != "COMPLIANCE") || (rule.Days > 0) == (rule.Years > 0) ||
			rule.Days < 0 || rule.Years < 0 {
			return errMalformedXML
		}
	}
	return s.setAttrs(c, http.StatusOK, func(a *bucketAttrs) error {
		if !a.ObjectLock {
			return s3err("InvalidBucketState", http.StatusConflict,
				"Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
		}
		a.ObjectLockRule = rule
		return nil
	})
}

// getObjectLockState answers GetObjectRetention and GetObjectLegalHold of an object or a
// version: fakeshift sets neither on objects.
func (s *S3) getObjectLockState(c *call) error {
	if !c.attrs.ObjectLock {
		return errNoObjectLockObject
	}
	if _, err := s.objectMeta(c); err != nil {
		return err
	}
	return s3err("NoSuchObjectLockConfiguration", http.StatusNotFound, "The specified object does not have a ObjectLock configuration")
}

type taggingXML struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  []tag    `xml:"TagSet>Tag"`
}

func (s *S3) getBucketTagging(c *call) error {
	if len(c.attrs.Tags) == 0 {
		return errNoSuchTagSet.withBucket(c.bucket)
	}
	return writeXML(c.w, taggingXML{Xmlns: s3Namespace, TagSet: c.attrs.Tags})
}

func (s *S3) putBucketTagging(c *call) error {
	var v taggingXML
	if err := readXML(c, &v); err != nil {
		return err
	}
	if err := validTags(v.TagSet); err != nil {
		return err
	}
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Tags = v.TagSet; return nil })
}

func validTags(tags []tag) error {
	invalid := func(msg string) error { return s3err("InvalidTag", http.StatusBadRequest, msg) }
	if len(tags) > 50 {
		return invalid("Object tags cannot be greater than 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || len(t.Key) > 128:
			return invalid("The TagKey you have provided is invalid")
		case len(t.Value) > 256:
			return invalid("The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return invalid("System tags cannot be added/updated by requester")
		case seen[t.Key]:
			return invalid("Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

func (s *S3) deleteBucketTagging(c *call) error {
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.Tags = nil; return nil })
}

type publicAccessBlockXML struct {
	XMLName xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	publicAccessBlock
}

func (s *S3) getPublicAccessBlock(c *call) error {
	if c.attrs.PublicAccessBlock == nil {
		return errNoPublicAccess.withBucket(c.bucket)
	}
	return writeXML(c.w, publicAccessBlockXML{Xmlns: s3Namespace, publicAccessBlock: *c.attrs.PublicAccessBlock})
}

func (s *S3) putPublicAccessBlock(c *call) error {
	var v publicAccessBlockXML
	if err := readXML(c, &v); err != nil {
		return err
	}
	pab := v.publicAccessBlock
	return s.setAttrs(c, http.StatusOK, func(a *bucketAttrs) error { a.PublicAccessBlock = &pab; return nil })
}

func (s *S3) deletePublicAccessBlock(c *call) error {
	return s.setAttrs(c, http.StatusNoContent, func(a *bucketAttrs) error { a.PublicAccessBlock = nil; return nil })
}

package s3fake

import (
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/objects"
)

// Hidden object metadata: who owns an object and the canned ACL it was written with. The
// backend keeps them out of what GET and HEAD return.
const (
	metaOwner = objects.HiddenMetaPrefix + "Owner"
	metaACL   = objects.HiddenMetaPrefix + "Acl"
)

// Operations acting on another object than the request's: the source of a copy, a key of
// DeleteObjects. They are only authorised, never run.
var (
	copySource = &operation{name: "CopyObject", action: "s3:GetObject", object: true}
	deletedKey = &operation{name: "DeleteObjects", action: "s3:DeleteObject", object: true}
)

// fakeServe runs the request through gofakes3 in path-style form.
func (s *S3) fakeServe(w http.ResponseWriter, c *call, r *http.Request) {
	r.URL.Path = "/" + c.bucket
	if c.key != "" {
		r.URL.Path += "/" + c.key
	}
	r.URL.RawPath = ""
	s.fake.ServeHTTP(&idWriter{ResponseWriter: w, reqID: c.reqID}, r)
}

// cleanRequest is a copy of the call's request with the headers gofakes3 may see.
func cleanRequest(c *call) *http.Request {
	r := c.r.Clone(c.r.Context())
	r.Header = cleanHeaders(c.r.Header)
	return r
}

func (s *S3) passObject(c *call) error {
	s.passThrough(c, c.r)
	return nil
}

// passObjectSmallBody passes a request whose small body (CompleteMultipartUpload) is read
// and verified first.
func (s *S3) passObjectSmallBody(c *call) error {
	body, err := readSmallBody(c)
	if err != nil {
		return err
	}
	r := cleanRequest(c)
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	s.fakeServe(c.w, c, r)
	return nil
}

func (s *S3) getObject(c *call) error {
	if c.attrs.Ownership != ownershipEnforced {
		if err := s.checkObjectOwner(c); err != nil {
			return err
		}
	}
	s.passThrough(c, c.r)
	return nil
}

// checkObjectOwner applies the rule that makes bucket-owner-full-control matter: an object
// another account wrote into a bucket whose ACLs are enabled belongs to that account, and
// neither the bucket owner nor the bucket policy reaches it unless the object's ACL grants
// it.
func (s *S3) checkObjectOwner(c *call) error {
	meta, err := s.backend.ObjectMeta(c.bucket, c.key)
	if err != nil {
		if e, ok := asError(err); ok && e.Status == http.StatusNotFound {
			return nil // gofakes3 answers NoSuchKey
		}
		return err
	}
	owner := meta[metaOwner]
	if owner == "" || owner == c.attrs.Owner {
		return nil
	}
	p := c.principal
	if p.Kind == auth.KindAccount && p.AccountID == owner {
		return nil
	}
	switch meta[metaACL] {
	case "public-read", "public-read-write":
		return nil
	case "authenticated-read":
		if p.Kind == auth.KindAccount {
			return nil
		}
	case "bucket-owner-read", "bucket-owner-full-control":
		if p.Kind == auth.KindAccount && p.AccountID == c.attrs.Owner {
			return nil
		}
	}
	return deny("s3:GetObject on %s by %s: the object belongs to account %s and its ACL does not grant it",
		c.resourceARN(), p.String(), owner)
}

// writeHeaders are the headers an object write (PutObject, CopyObject,
// CreateMultipartUpload) stores with the object beside the client's: its owner and canned
// ACL, and its server-side encryption.
func (s *S3) writeHeaders(c *call) (http.Header, error) {
	h := http.Header{}
	r := c.r
	if r.Header.Get("x-amz-server-side-encryption-customer-algorithm") != "" {
		return nil, notImplemented("server-side encryption with customer keys (SSE-C)")
	}
	bucketOwner := s.canonicalID(c.attrs.Owner)
	grants, err := requestedACL(r, bucketOwner)
	if err != nil {
		return nil, err
	}
	canned := r.Header.Get("x-amz-acl")
	if grants != nil && c.attrs.Ownership == ownershipEnforced && canned != "bucket-owner-full-control" && !ownerOnly(grants, bucketOwner) {
		return nil, errACLNotSupported.withBucket(c.bucket)
	}
	if grants != nil && canned == "" && c.attrs.Ownership != ownershipEnforced {
		return nil, notImplemented("object ACL grant headers")
	}
	owner := c.attrs.Owner
	if w := c.principal.AccountID; c.principal.Kind == auth.KindAccount && w != owner {
		switch c.attrs.Ownership {
		case ownershipWriter, "":
			owner = w
		case ownershipPreferred:
			if canned != "bucket-owner-full-control" {
				owner = w
			}
		}
	}
	h.Set(metaOwner, owner)
	if canned != "" {
		h.Set(metaACL, canned)
	}

	sse := r.Header.Get("x-amz-server-side-encryption")
	kmsKey := r.Header.Get("x-amz-server-side-encryption-aws-kms-key-id")
	switch sse {
	case "":
		def := c.attrs.bucketEncryption()
		sse, kmsKey = def.Algorithm, def.KMSKeyID
	case "AES256":
		if kmsKey != "" {
			return nil, s3err("InvalidArgument", http.StatusBadRequest,
				"Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms").
				withArg("x-amz-server-side-encryption-aws-kms-key-id", kmsKey)
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, s3err("InvalidArgument", http.StatusBadRequest, "The encryption method specified is not supported").
			withArg("x-amz-server-side-encryption", sse)
	}
	h.Set("X-Amz-Server-Side-Encryption", sse)
	if strings.HasPrefix(sse, "aws:kms") {
		if kmsKey == "" {
			kmsKey = s.managedKMSKey(c.attrs)
		}
		h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", kmsKey)
	}
	return h, nil
}

// managedKMSKey is the ARN fakeshift gives the aws/s3 managed key of a bucket owner's
// account: stable, derived from the account and region.
func (s *S3) managedKMSKey(a *bucketAttrs) string {
	id := s.canonicalID(a.Owner)
	return "arn:aws:kms:" + a.Region + ":" + a.Owner + ":key/" + id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
}

// responseSSE copies the encryption headers of a write to its response.
func responseSSE(dst, written http.Header) {
	for _, k := range []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"} {
		if v := written.Get(k); v != "" {
			dst.Set(k, v)
		}
	}
}

func (s *S3) putObject(c *call) error {
	if src := c.r.Header.Get("x-amz-copy-source"); src != "" {
		return s.copyObject(c, src)
	}
	written, err := s.writeHeaders(c)
	if err != nil {
		return err
	}
	return s.upload(c, written)
}

// upload streams a PutObject or UploadPart body through gofakes3 into the backend, and
// answers the body's own error when the body fails verification.
func (s *S3) upload(c *call, written http.Header) error {
	body, err := newObjectBody(c)
	if err != nil {
		return err
	}
	r := cleanRequest(c)
	for k, v := range written {
		r.Header[k] = v
	}
	r.Body, r.ContentLength = io.NopCloser(body), body.length
	r.Header.Set("Content-Length", strconv.FormatInt(body.length, 10))
	capt := newCapture()
	s.fakeServe(capt, c, r)
	if body.err != nil {
		return body.err
	}
	if capt.status < 300 {
		responseSSE(capt.header, written)
		if body.algo != "" {
			capt.header.Set("x-amz-checksum-"+body.algo, body.computed)
		}
	}
	capt.flush(c.w)
	return nil
}

func (s *S3) copyObject(c *call, source string) error {
	src, err := url.PathUnescape(strings.TrimPrefix(source, "/"))
	if err != nil {
		return errInvalidArgument.withArg("x-amz-copy-source", source)
	}
	if path, query, ok := strings.Cut(src, "?"); ok {
		if strings.Contains(query, "versionId=") {
			return notImplemented("copying from a given version") // gofakes3 would copy the latest
		}
		src = path
	}
	srcBucket, srcKey, ok := strings.Cut(src, "/")
	if !ok || srcBucket == "" || srcKey == "" {
		return errInvalidArgument.withArg("x-amz-copy-source", source)
	}
	srcAttrs, err := s.loadBucket(srcBucket)
	if err != nil {
		return err
	}
	if srcAttrs == nil {
		return errNoSuchBucket.withBucket(srcBucket)
	}
	sc := *c
	sc.bucket, sc.key, sc.attrs = srcBucket, srcKey, srcAttrs
	sc.op = copySource
	if err := s.authorize(&sc, "s3:GetObject", sc.resourceARN(), nil); err != nil {
		return err
	}
	if srcAttrs.Ownership != ownershipEnforced {
		if err := s.checkObjectOwner(&sc); err != nil {
			return err
		}
	}
	written, err := s.writeHeaders(c)
	if err != nil {
		return err
	}
	r := cleanRequest(c)
	for k, v := range written {
		r.Header[k] = v
	}
	capt := newCapture()
	s.fakeServe(capt, c, r)
	if capt.status < 300 {
		responseSSE(capt.header, written)
	}
	capt.flush(c.w)
	return nil
}

func (s *S3) createMultipart(c *call) error {
	written, err := s.writeHeaders(c)
	if err != nil {
		return err
	}
	r := cleanRequest(c)
	for k, v := range written {
		r.Header[k] = v
	}
	responseSSE(c.w.Header(), written)
	s.fakeServe(c.w, c, r)
	return nil
}

func (s *S3) uploadPart(c *call) error {
	if c.r.Header.Get("x-amz-copy-source") != "" {
		return notImplemented("UploadPartCopy")
	}
	return s.upload(c, nil)
}

// deleteObjects authorises s3:DeleteObject on every key of a DeleteObjects request before
// gofakes3 deletes them. A key the caller may not delete refuses the whole request (S3
// would answer AccessDenied for that key alone, in the result).
func (s *S3) deleteObjects(c *call) error {
	body, err := readSmallBody(c)
	if err != nil {
		return err
	}
	var doc struct {
		Objects []struct {
			Key string `xml:"Key"`
		} `xml:"Object"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || len(doc.Objects) == 0 || len(doc.Objects) > 1000 {
		return errMalformedXML
	}
	for _, o := range doc.Objects {
		oc := *c
		oc.key, oc.op = o.Key, deletedKey
		if err := s.authorize(&oc, "s3:DeleteObject", oc.resourceARN(), nil); err != nil {
			return err
		}
	}
	r := cleanRequest(c)
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	s.fakeServe(c.w, c, r)
	return nil
}

// objectGrants is an object's ACL: its owner's FULL_CONTROL and what its canned ACL adds.
func (s *S3) objectGrants(c *call, meta map[string]string) (ownerID string, grants []aclGrant) {
	owner := meta[metaOwner]
	if owner == "" || c.attrs.Ownership == ownershipEnforced {
		owner = c.attrs.Owner
	}
	ownerID = s.canonicalID(owner)
	grants = []aclGrant{ownerFullControl(ownerID)}
	if c.attrs.Ownership == ownershipEnforced {
		return ownerID, grants
	}
	bucketOwnerID := s.canonicalID(c.attrs.Owner)
	switch canned := meta[metaACL]; canned {
	case "bucket-owner-full-control":
		if bucketOwnerID != ownerID {
			grants = append(grants, ownerFullControl(bucketOwnerID))
		}
	case "bucket-owner-read":
		if bucketOwnerID != ownerID {
			grants = append(grants, aclGrant{Grantee: aclGrantee{Type: "CanonicalUser", ID: bucketOwnerID}, Permission: permRead})
		}
	default:
		grants = append(grants, cannedACLs[canned]...)
	}
	return ownerID, grants
}

func (s *S3) getObjectACL(c *call) error {
	meta, err := s.backend.ObjectMeta(c.bucket, c.key)
	if err != nil {
		return err
	}
	owner, grants := s.objectGrants(c, meta)
	return writeACL(c, owner, grants)
}

func (s *S3) putObjectACL(c *call) error {
	if _, err := s.backend.ObjectMeta(c.bucket, c.key); err != nil {
		return err
	}
	if c.attrs.Ownership != ownershipEnforced {
		return notImplemented("changing an object's ACL")
	}
	owner := s.canonicalID(c.attrs.Owner)
	grants, err := requestedACL(c.r, owner)
	if err != nil {
		return err
	}
	if grants == nil {
		if grants, err = bodyACL(c); err != nil {
			return err
		}
	}
	if c.r.Header.Get("x-amz-acl") != "bucket-owner-full-control" && !ownerOnly(grants, owner) {
		return errACLNotSupported.withBucket(c.bucket)
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *S3) getObjectTagging(c *call) error {
	if _, err := s.backend.ObjectMeta(c.bucket, c.key); err != nil {
		return err
	}
	return writeXML(c.w, struct {
		XMLName xml.Name `xml:"Tagging"`
		Xmlns   string   `xml:"xmlns,attr"`
		TagSet  struct{} `xml:"TagSet"`
	}{Xmlns: s3Namespace})
}

// objectVersion serves GET, HEAD and DELETE of one version (?versionId=). gofakes3 serves
// GET and DELETE of a version by its id; it would take versionId=null for the latest version
// and serve a HEAD from the latest whatever the id, so s3fake answers HEAD itself and
// refuses the null id rather than act on the wrong version.
func (s *S3) objectVersion(c *call) error {
	vid := gofakes3.VersionID(c.r.URL.Query().Get("versionId"))
	if c.r.Method != http.MethodHead {
		if vid == objects.NullVersion {
			return notImplemented("addressing the null version by its id")
		}
		s.passThrough(c, c.r)
		return nil
	}
	obj, err := s.backend.HeadObjectVersion(c.bucket, c.key, vid)
	if err != nil {
		return err
	}
	if obj.Contents != nil {
		obj.Contents.Close()
	}
	h := c.w.Header()
	h.Set("x-amz-version-id", string(obj.VersionID))
	if obj.IsDeleteMarker {
		h.Set("x-amz-delete-marker", "true")
		return errMethodNotAllowed // S3's answer to a HEAD of a delete marker by its id
	}
	for k, v := range obj.Metadata {
		h.Set(k, v)
	}
	etag := `"` + hex.EncodeToString(obj.Hash) + `"`
	if m := h.Get(objects.MultipartETagHeader); m != "" {
		etag = m
		h.Del(objects.MultipartETagHeader)
	}
	h.Set("ETag", etag)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	c.w.WriteHeader(http.StatusOK)
	return nil
}

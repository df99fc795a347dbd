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
	"time"

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

// cleanRequest is the call's request as gofakes3 gets it: a copy with only the headers
// cleanHeaders keeps, extra added (what an object write stores beside the client's
// metadata: writeHeaders), and body, when not nil, in place of the body (a small body
// s3fake has read and verified).
func cleanRequest(c *call, extra http.Header, body []byte) *http.Request {
	r := c.r.Clone(c.r.Context())
	r.Header = cleanHeaders(c.r.Header)
	for k, v := range extra {
		r.Header[k] = v
	}
	if body != nil {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return r
}

// passSmallBody passes a request whose small body (CompleteMultipartUpload) is read and
// verified first.
func (s *S3) passSmallBody(c *call) error {
	body, err := readSmallBody(c)
	if err != nil {
		return err
	}
	s.fakeServe(c.w, c, cleanRequest(c, nil, body))
	return nil
}

func (s *S3) getObject(c *call) error {
	if err := s.checkRead(c); err != nil {
		return err
	}
	return s.pass(c)
}

// objectMeta returns all the metadata of the object a call names, hidden entries included:
// of the version its ?versionId= names, else of the current object.
func (s *S3) objectMeta(c *call) (map[string]string, error) {
	q := c.r.URL.Query()
	if !q.Has("versionId") {
		return s.backend.ObjectMeta(c.bucket, c.key)
	}
	return s.backend.ObjectVersionMeta(c.bucket, c.key, gofakes3.VersionID(q.Get("versionId")))
}

// checkRead applies checkObjectOwner to the object or version a GET or HEAD reads, when
// the bucket's ACLs count (not BucketOwnerEnforced). One that does not exist is left to the
// handler, which answers NoSuchKey, NoSuchVersion or the delete marker.
func (s *S3) checkRead(c *call) error {
	if c.attrs.Ownership == ownershipEnforced {
		return nil
	}
	meta, err := s.objectMeta(c)
	if err != nil {
		if e, ok := asError(err); ok && e.Status == http.StatusNotFound {
			return nil
		}
		return err
	}
	return s.checkObjectOwner(c, meta)
}

// checkObjectOwner applies, to an object (or version) whose metadata is meta, the rule that
// makes bucket-owner-full-control matter: an object another account wrote into a bucket
// whose ACLs are enabled belongs to that account, and neither the bucket owner nor the
// bucket policy reaches it unless the object's ACL grants it.
func (s *S3) checkObjectOwner(c *call, meta map[string]string) error {
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

// unkeptWriteHeaders are the headers of an object write whose effect fakeshift cannot give
// the object: a write with one answers NotImplemented rather than succeed without it (the
// tags would read back empty, the retention would not hold).
var unkeptWriteHeaders = []struct {
	header, what string
	lock         bool // an Object Lock header: InvalidRequest in a bucket without Object Lock
}{
	{"x-amz-tagging", "object tagging", false},
	{"x-amz-website-redirect-location", "website redirects", false},
	{"x-amz-object-lock-mode", "object retention", true},
	{"x-amz-object-lock-retain-until-date", "object retention", true},
	{"x-amz-object-lock-legal-hold", "object legal holds", true},
}

// storageClasses are S3's storage classes other than STANDARD, the one fakeshift has.
var storageClasses = map[string]bool{
	"REDUCED_REDUNDANCY": true, "STANDARD_IA": true, "ONEZONE_IA": true, "INTELLIGENT_TIERING": true,
	"GLACIER": true, "DEEP_ARCHIVE": true, "OUTPOSTS": true, "GLACIER_IR": true, "SNOW": true,
	"EXPRESS_ONEZONE": true, "FSX_OPENZFS": true,
}

// checkWriteHeaders refuses an object write asking for what fakeshift cannot keep.
func checkWriteHeaders(c *call) error {
	h := c.r.Header
	if h.Get("x-amz-server-side-encryption-customer-algorithm") != "" {
		return notImplemented("server-side encryption with customer keys (SSE-C)")
	}
	for _, u := range unkeptWriteHeaders {
		if h.Get(u.header) == "" {
			continue
		}
		if u.lock && !c.attrs.ObjectLock {
			return errNoObjectLockObject
		}
		return notImplemented(u.what)
	}
	switch class := h.Get("x-amz-storage-class"); {
	case class == "" || class == "STANDARD":
	case storageClasses[class]:
		return notImplemented("the " + class + " storage class")
	default:
		e := s3err("InvalidStorageClass", http.StatusBadRequest, "The storage class you specified is not valid")
		e.Extra = []xmlField{{XMLName: xml.Name{Local: "StorageClassRequested"}, Value: class}}
		return e
	}
	return nil
}

// writeHeaders are the headers an object write (PutObject, CopyObject,
// CreateMultipartUpload) stores with the object beside the client's: its owner and canned
// ACL, and its server-side encryption.
func (s *S3) writeHeaders(c *call) (http.Header, error) {
	if err := checkWriteHeaders(c); err != nil {
		return nil, err
	}
	h := http.Header{}
	r := c.r
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
	r := cleanRequest(c, written, nil)
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

// copyObject serves CopyObject (in a single request; UploadPartCopy is NotImplemented).
// s3fake copies itself rather than through gofakes3, which would answer the source's
// version id as the copy's, copy only the current version, merge the request's metadata
// into the source's whatever x-amz-metadata-directive says, and ignore (and store as
// metadata) the x-amz-copy-source-if-* conditions.
func (s *S3) copyObject(c *call, source string) error {
	src, err := parseCopySource(source)
	if err != nil {
		return err
	}
	if len(c.key) > gofakes3.KeySizeLimit {
		return gofakes3.ResourceError(gofakes3.ErrKeyTooLong, c.key)
	}
	srcAttrs, err := s.loadBucket(src.bucket)
	if err != nil {
		return err
	}
	if srcAttrs == nil {
		return errNoSuchBucket.withBucket(src.bucket)
	}
	sc := *c
	sc.bucket, sc.key, sc.attrs, sc.op = src.bucket, src.key, srcAttrs, copySource
	action := "s3:GetObject"
	if src.version != "" {
		action = "s3:GetObjectVersion"
	}
	if err := s.authorize(&sc, action, sc.resourceARN()); err != nil {
		return err
	}
	written, err := s.writeHeaders(c)
	if err != nil {
		return err
	}

	// The source, pinned to a version when its bucket is versioned (the current one unless
	// the copy names one), so that what is copied is the version answered in
	// x-amz-copy-source-version-id even if the key changes meanwhile.
	var obj *gofakes3.Object
	if src.version == "" {
		obj, err = s.backend.HeadObject(src.bucket, src.key)
	} else {
		obj, err = s.backend.HeadObjectVersion(src.bucket, src.key, src.version)
	}
	if err != nil {
		return err
	}
	if obj.IsDeleteMarker {
		return s3err("InvalidRequest", http.StatusBadRequest,
			"The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	var srcMeta map[string]string
	if obj.VersionID != "" {
		srcMeta, err = s.backend.ObjectVersionMeta(src.bucket, src.key, obj.VersionID)
	} else {
		srcMeta, err = s.backend.ObjectMeta(src.bucket, src.key)
	}
	if err != nil {
		return err
	}
	if srcAttrs.Ownership != ownershipEnforced {
		if err := s.checkObjectOwner(&sc, srcMeta); err != nil {
			return err
		}
	}
	modified, _ := http.ParseTime(obj.Metadata["Last-Modified"])
	if err := checkCopyConditions(c.r.Header, objectETag(obj), modified); err != nil {
		return err
	}
	meta, err := copiedMeta(c, srcMeta)
	if err != nil {
		return err
	}
	for k, v := range written {
		meta[k] = v[0]
	}
	res, id, err := s.backend.CopyObjectVersion(src.bucket, src.key, obj.VersionID, c.bucket, c.key, meta)
	if err != nil {
		return err
	}
	h := c.w.Header()
	responseSSE(h, written)
	if obj.VersionID != "" {
		h.Set("x-amz-copy-source-version-id", string(obj.VersionID))
	}
	if id != "" {
		h.Set("x-amz-version-id", string(id))
	}
	return writeXML(c.w, struct {
		XMLName      xml.Name             `xml:"CopyObjectResult"`
		Xmlns        string               `xml:"xmlns,attr"`
		ETag         string               `xml:"ETag"`
		LastModified gofakes3.ContentTime `xml:"LastModified"`
	}{Xmlns: s3Namespace, ETag: res.ETag, LastModified: res.LastModified})
}

// copySourceRef is what x-amz-copy-source names: bucket/key, and ?versionId= if given.
type copySourceRef struct {
	bucket, key string
	version     gofakes3.VersionID
}

// parseCopySource reads x-amz-copy-source: [/]bucket/key[?versionId=id], the key
// URL-encoded.
func parseCopySource(source string) (copySourceRef, error) {
	bad := errInvalidArgument.withArg("x-amz-copy-source", source)
	path, query, _ := strings.Cut(strings.TrimPrefix(source, "/"), "?")
	path, err := url.PathUnescape(path)
	if err != nil {
		return copySourceRef{}, bad
	}
	var ref copySourceRef
	var ok bool
	if ref.bucket, ref.key, ok = strings.Cut(path, "/"); !ok || ref.bucket == "" || ref.key == "" {
		return copySourceRef{}, bad
	}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySourceRef{}, bad
		}
		if q.Has("versionId") {
			if ref.version = gofakes3.VersionID(q.Get("versionId")); ref.version == "" {
				return copySourceRef{}, bad
			}
		}
	}
	return ref, nil
}

// copiedMeta is the metadata a copy takes, as S3 makes it: the source's own with
// x-amz-metadata-directive COPY (the default), the request's with REPLACE. Its owner, ACL
// and encryption are not copied: they are the copy's own (writeHeaders).
func copiedMeta(c *call, srcMeta map[string]string) (map[string]string, error) {
	out := map[string]string{}
	switch d := c.r.Header.Get("x-amz-metadata-directive"); d {
	case "", "COPY":
		for k, v := range srcMeta {
			if objectOwnMeta(k) {
				out[k] = v
			}
		}
	case "REPLACE":
		size := 0
		for k, v := range cleanHeaders(c.r.Header) {
			if objectOwnMeta(k) {
				out[k] = v[0]
			}
			if strings.HasPrefix(k, "X-Amz-Meta-") {
				size += len(k) - len("X-Amz-Meta-") + len(v[0])
			}
		}
		if size > maxUserMeta {
			return nil, gofakes3.ErrMetadataTooLarge
		}
	default:
		return nil, s3err("InvalidArgument", http.StatusBadRequest, "Unknown metadata directive.").
			withArg("x-amz-metadata-directive", d)
	}
	return out, nil
}

// maxUserMeta is S3's limit of an object's user metadata: 2 KB of names (after
// x-amz-meta-) and values.
const maxUserMeta = 2 << 10

// objectOwnMeta reports whether a stored metadata entry is the object's own, one a copy
// takes: user metadata, Content-Type, Content-Disposition and Content-Encoding (the
// headers gofakes3 stores besides x-amz-*).
func objectOwnMeta(k string) bool {
	k = http.CanonicalHeaderKey(k)
	return strings.HasPrefix(k, "X-Amz-Meta-") || k == "Content-Type" || k == "Content-Disposition" || k == "Content-Encoding"
}

// checkCopyConditions applies the x-amz-copy-source-if-* headers to a source with that ETag
// and modification time, as S3 does: a condition that does not hold is PreconditionFailed,
// except that an If-Match that holds overrules If-Unmodified-Since, and an If-None-Match
// that holds overrules If-Modified-Since. A date that does not parse is ignored, as HTTP
// ignores one.
func checkCopyConditions(h http.Header, etag string, modified time.Time) error {
	since := func(name string) (time.Time, bool) {
		t, err := http.ParseTime(h.Get(name))
		return t, err == nil
	}
	if v := h.Get("x-amz-copy-source-if-match"); v != "" {
		if !etagListed(v, etag) {
			return preconditionFailed("x-amz-copy-source-If-Match")
		}
	} else if t, ok := since("x-amz-copy-source-if-unmodified-since"); ok && modified.After(t) {
		return preconditionFailed("x-amz-copy-source-If-Unmodified-Since")
	}
	if v := h.Get("x-amz-copy-source-if-none-match"); v != "" {
		if etagListed(v, etag) {
			return preconditionFailed("x-amz-copy-source-If-None-Match")
		}
	} else if t, ok := since("x-amz-copy-source-if-modified-since"); ok && !modified.After(t) {
		return preconditionFailed("x-amz-copy-source-If-Modified-Since")
	}
	return nil
}

// etagListed reports whether a header's list of ETags ("*" for any) names etag.
func etagListed(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		if e = strings.TrimSpace(e); e == "*" || strings.Trim(e, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

// objectETag is an object's ETag as S3 answers it, quoted: its MD5, or for one completed
// from a multipart upload, the backend's multipart ETag.
func objectETag(obj *gofakes3.Object) string {
	if m := obj.Metadata[objects.MultipartETagHeader]; m != "" {
		return m
	}
	return `"` + hex.EncodeToString(obj.Hash) + `"`
}

func (s *S3) createMultipart(c *call) error {
	written, err := s.writeHeaders(c)
	if err != nil {
		return err
	}
	responseSSE(c.w.Header(), written)
	s.fakeServe(c.w, c, cleanRequest(c, written, nil))
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
		if err := s.authorize(&oc, "s3:DeleteObject", oc.resourceARN()); err != nil {
			return err
		}
	}
	s.fakeServe(c.w, c, cleanRequest(c, nil, body))
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
	meta, err := s.objectMeta(c)
	if err != nil {
		return err
	}
	owner, grants := s.objectGrants(c, meta)
	return writeACL(c, owner, grants)
}

func (s *S3) putObjectACL(c *call) error {
	if _, err := s.objectMeta(c); err != nil {
		return err
	}
	if c.attrs.Ownership != ownershipEnforced {
		return notImplemented("changing an object's ACL")
	}
	owner := s.canonicalID(c.attrs.Owner)
	grants, err := requestOrBodyACL(c, owner)
	if err != nil {
		return err
	}
	if c.r.Header.Get("x-amz-acl") != "bucket-owner-full-control" && !ownerOnly(grants, owner) {
		return errACLNotSupported.withBucket(c.bucket)
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *S3) getObjectTagging(c *call) error {
	if _, err := s.objectMeta(c); err != nil {
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
// refuses the null id rather than act on the wrong version. A GET or HEAD is checked
// against the version's owner as a plain GET is against the current object's.
func (s *S3) objectVersion(c *call) error {
	vid := gofakes3.VersionID(c.r.URL.Query().Get("versionId"))
	if vid == "" {
		// gofakes3 would act on the current object.
		return s3err("InvalidArgument", http.StatusBadRequest, "Version id cannot be the empty string").
			withArg("versionId", "")
	}
	if c.r.Method != http.MethodDelete {
		if err := s.checkRead(c); err != nil {
			return err
		}
	}
	if c.r.Method != http.MethodHead {
		if vid == objects.NullVersion {
			return notImplemented("addressing the null version by its id")
		}
		return s.pass(c)
	}
	obj, err := s.backend.HeadObjectVersion(c.bucket, c.key, vid)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("x-amz-version-id", string(obj.VersionID))
	if obj.IsDeleteMarker {
		h.Set("x-amz-delete-marker", "true")
		return errMethodNotAllowed // S3's answer to a HEAD of a delete marker by its id
	}
	for k, v := range obj.Metadata {
		if k != objects.MultipartETagHeader {
			h.Set(k, v)
		}
	}
	h.Set("ETag", objectETag(obj))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	c.w.WriteHeader(http.StatusOK)
	return nil
}

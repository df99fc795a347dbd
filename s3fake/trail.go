package s3fake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"

	"github.com/fakeshift/fakeshift/auth"
)

// Outcome is what serving one S3 request produced: what CloudTrail's record of a bucket
// management call needs. The front door hands it to CloudTrail; s3fake never calls it.
type Outcome struct {
	// Operation is the S3 API operation ("PutBucketPolicy"); empty when none was routed.
	Operation string
	Bucket    string
	Principal auth.Principal
	// Authenticated is false for a request whose signature failed: it reaches no
	// operation and CloudTrail keeps no record of it.
	Authenticated bool
	// Management is true for the bucket-level calls CloudTrail records as management
	// events (object and listing calls are data events, which trails here do not log).
	Management bool
	ReadOnly   bool
	RequestID  string
	HostID     string
	Host       string
	// BucketOwner is the account that owned the bucket when the call was made (for
	// CreateBucket, the caller's account).
	BucketOwner string
	// Query is the request's query (its sub-resource), of a management call only.
	Query map[string][]string
	// Body is the request body of a management call (a policy, an ACL, a configuration),
	// up to maxRecordedBody bytes.
	Body []byte
	// ErrorCode and ErrorMessage are S3's error for a call that failed.
	ErrorCode, ErrorMessage string
	BytesIn, BytesOut       int64
	TLS                     bool
}

// maxRecordedBody bounds what of a management call's body is kept for its record.
const maxRecordedBody = 64 << 10

// Serve serves one S3 request and returns its outcome.
func (s *S3) Serve(w http.ResponseWriter, r *http.Request) Outcome {
	c := &call{w: w, r: r, reqID: newRequestID()}
	out := Outcome{RequestID: c.reqID, HostID: hostID(c.reqID), Host: r.Host, TLS: r.TLS != nil}
	cw := &countingWriter{ResponseWriter: w, reqID: c.reqID, hostID: out.HostID}
	c.w = cw
	var body *captureBody
	c.onRouted = func() {
		out.Operation, out.Bucket, out.Principal = c.op.name, c.bucket, c.principal
		out.Authenticated = true
		out.Management = managementEvent(c.op)
		out.ReadOnly = c.r.Method == http.MethodGet || c.r.Method == http.MethodHead
		if c.attrs != nil {
			out.BucketOwner = c.attrs.Owner
		} else if c.principal.Kind == auth.KindAccount {
			out.BucketOwner = c.principal.AccountID
		}
		if out.Management {
			// Only a management call's record reads the query (RequestParameters): object
			// calls, most of the traffic, are spared parsing it again.
			out.Query = c.r.URL.Query()
			if !out.ReadOnly && c.r.Body != nil {
				body = &captureBody{ReadCloser: c.r.Body}
				c.r.Body = body
			}
		}
	}
	w.Header().Set("Server", "AmazonS3")
	if err := s.serve(c); err != nil {
		e, ok := asError(err)
		if !ok {
			s.log.Error("S3 request failed", "op", c.opName(), "bucket", c.bucket, "key", c.key, "err", err)
		}
		if e.Code == errAccessDenied.Code || e.Status == http.StatusForbidden {
			s.refuse(c, e.Code, refusalReason(err))
		}
		out.ErrorCode, out.ErrorMessage = e.Code, e.Message
		writeError(cw, r, c.reqID, e)
	}
	if !cw.wroteHeader {
		// A handler that wrote nothing would leave net/http to send 200 without the request
		// id: send it here, with it.
		cw.WriteHeader(http.StatusOK)
	}
	if body != nil {
		out.Body, out.BytesIn = body.buf.Bytes(), body.n
	}
	out.BytesOut = cw.n
	return out
}

// managementEvent reports whether CloudTrail records op as a management event: the bucket
// configuration calls, bucket creation and deletion, and ListBuckets. Object calls and
// listings of a bucket's objects are data events.
func managementEvent(op *operation) bool {
	if op == nil || op.object || strings.HasPrefix(op.name, "?") {
		return false
	}
	switch op.name {
	case "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads", "HeadBucket", "PostObject":
		return false
	}
	return true
}

type captureBody struct {
	io.ReadCloser
	buf bytes.Buffer
	n   int64
}

func (b *captureBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if room := maxRecordedBody - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	return n, err
}

// countingWriter is the writer of every response: it counts the bytes, stamps the
// request's id (x-amz-request-id, x-amz-id-2) over whatever a handler set (gofakes3 numbers
// its own requests), and sends user metadata headers in lower case as S3 does
// (x-amz-meta-signature, not Go's canonical X-Amz-Meta-Signature): clients such as botocore
// keep the case of what follows the prefix in their Metadata maps.
type countingWriter struct {
	http.ResponseWriter
	reqID, hostID string
	n             int64
	wroteHeader   bool
}

func (w *countingWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		h := w.ResponseWriter.Header()
		h.Set("x-amz-request-id", w.reqID)
		h.Set("x-amz-id-2", w.hostID)
		for k, v := range h {
			if strings.HasPrefix(k, "X-Amz-Meta-") {
				delete(h, k)
				h[strings.ToLower(k)] = v
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// bodyMembers name the requestParameters member a management call's body becomes: the
// policy document parsed, or the XML configuration as an object.
var bodyMembers = map[string]string{
	"PutBucketPolicy": "bucketPolicy", "PutBucketAcl": "AccessControlPolicy",
	"PutBucketEncryption": "ServerSideEncryptionConfiguration", "PutBucketOwnershipControls": "OwnershipControls",
	"PutBucketVersioning": "VersioningConfiguration", "PutBucketTagging": "Tagging",
	"PutObjectLockConfiguration": "ObjectLockConfiguration", "PutPublicAccessBlock": "PublicAccessBlockConfiguration",
	"CreateBucket": "CreateBucketConfiguration",
}

// RequestParameters is the call's requestParameters as CloudTrail writes S3's: bucketName,
// Host, the sub-resource as ["" ], the canned ACL header, and the body (a policy parsed as
// JSON, an XML configuration as an object).
func (o Outcome) RequestParameters() json.RawMessage {
	m := map[string]any{}
	if o.Bucket != "" {
		m["bucketName"] = o.Bucket
	}
	m["Host"] = o.Host
	for k, v := range o.Query {
		if knownSubresources[k] {
			if len(v) == 0 {
				v = []string{""}
			}
			m[k] = v
		}
	}
	if member, ok := bodyMembers[o.Operation]; ok && len(bytes.TrimSpace(o.Body)) > 0 {
		if o.Operation == "PutBucketPolicy" {
			var doc any
			if json.Unmarshal(o.Body, &doc) == nil {
				m[member] = doc
			}
		} else if v, ok := xmlObject(o.Body); ok {
			m[member] = v
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// AdditionalEventData is S3's additionalEventData.
func (o Outcome) AdditionalEventData() json.RawMessage {
	m := map[string]any{
		"SignatureVersion": "SigV4", "bytesTransferredIn": o.BytesIn, "bytesTransferredOut": o.BytesOut,
		"AuthenticationMethod": "AuthHeader", "x-amz-id-2": o.HostID,
	}
	if o.TLS {
		m["CipherSuite"] = "TLS_AES_128_GCM_SHA256"
	}
	b, _ := json.Marshal(m)
	return b
}

// xmlObject turns an XML document into CloudTrail's object form: elements as members,
// repeated elements as arrays, the root's xmlns as a member.
func xmlObject(b []byte) (any, bool) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	type frame struct {
		m    map[string]any
		text strings.Builder
		name string
	}
	var stack []*frame
	var root any
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f := &frame{m: map[string]any{}, name: t.Name.Local}
			if len(stack) == 0 && t.Name.Space != "" {
				f.m["xmlns"] = t.Name.Space
			}
			stack = append(stack, f)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var v any = f.m
			if len(f.m) == 0 {
				v = strings.TrimSpace(f.text.String())
			}
			if len(stack) == 0 {
				root = v
				continue
			}
			parent := stack[len(stack)-1].m
			if old, ok := parent[f.name]; ok {
				if arr, ok := old.([]any); ok {
					parent[f.name] = append(arr, v)
				} else {
					parent[f.name] = []any{old, v}
				}
			} else {
				parent[f.name] = v
			}
		}
	}
	return root, root != nil
}

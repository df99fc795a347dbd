package fakeshift

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fakeshift/fakeshift/redshiftapi"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/trail"
)

// Services the front door tells apart, by the SigV4 credential scope.
const (
	serviceS3         = "s3"
	serviceRedshift   = "redshift"
	serviceCloudTrail = "cloudtrail"
	serviceSTS        = "sts"
)

// frontDoor is the one HTTP handler: the control API under /_fakeshift/, and the AWS APIs
// routed by the service their signature names.
func (s *Server) frontDoor() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_fakeshift/health", s.health)
	mux.HandleFunc("POST /_fakeshift/flush", s.flush)
	mux.HandleFunc("POST /_fakeshift/reset", s.reset)
	mux.HandleFunc("GET /_fakeshift/clock", s.clockNow)
	mux.HandleFunc("POST /_fakeshift/clock/advance", s.clockAdvance)
	mux.Handle("/_fakeshift/s3/", http.StripPrefix("/_fakeshift/s3", s.s3.ControlHandler()))
	mux.HandleFunc("/_fakeshift/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no control endpoint " + r.Method + " " + r.URL.Path})
	})
	mux.HandleFunc("/", s.awsAPI)
	return mux
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status":     "ok",
		"account_id": s.cfg.AccountID,
		"region":     s.cfg.Region,
		"clusters":   s.clusterIDs(),
		"postgres":   s.pgLn.Addr().String(),
		"uptime_s":   time.Since(s.started).Seconds(),
	})
}

// flush delivers the audit logs and the CloudTrail files owed to S3 now and answers what
// went where.
func (s *Server) flush(w http.ResponseWriter, r *http.Request) {
	got, err := s.FlushLogs(r.Context())
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	trails, err := s.FlushTrails(r.Context())
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": got, "trails": trails})
}

// sigV4Service returns the service named in a request's SigV4 credential scope
// (Authorization header or presigned X-Amz-Credential), or "" for an unsigned request.
func sigV4Service(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); cred == "" && strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				cred = v
			}
		}
	}
	// AKID/yyyymmdd/region/service/aws4_request
	if f := strings.Split(cred, "/"); len(f) == 5 {
		return f[3]
	}
	return ""
}

// awsAPI routes an AWS API request by the service its signature names. Unsigned requests
// are S3's (anonymous), but for a JSON target (CloudTrail) or a Query API form post.
func (s *Server) awsAPI(w http.ResponseWriter, r *http.Request) {
	svc := sigV4Service(r)
	if svc == "" {
		switch {
		case r.Header.Get("X-Amz-Target") != "":
			svc = serviceCloudTrail
		case r.Method == http.MethodPost && r.URL.Path == "/" &&
			strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
			svc = serviceRedshift
		default:
			svc = serviceS3
		}
	}
	switch svc {
	case serviceS3:
		if out := s.s3.Serve(w, r); out.Authenticated && out.Management {
			s.record(s3Call(r, out))
		}
	case serviceRedshift:
		if out := s.api.Serve(w, r); out.Authenticated {
			s.record(redshiftCall(r, out))
			for _, sc := range out.ServiceCalls() {
				s.record(s.serviceCall(out, sc))
			}
		}
	case serviceSTS:
		// GetCallerIdentity is not recorded by CloudTrail.
		s.api.STS().ServeHTTP(w, r)
	case serviceCloudTrail:
		// A StopLogging that stopped a trail has stored its own record (Outcome.Stored).
		if out := s.trail.ServeAPI(w, r, uuid.NewString()); out.Recorded && out.Stored == nil {
			s.record(out.Call)
		}
	default:
		writeQueryAPIError(w, uuid.NewString(), http.StatusBadRequest, "InvalidAction",
			"fakeshift does not serve the AWS service "+svc)
	}
}

// record keeps a call's CloudTrail record. The call has been answered already: a record
// that cannot be stored is logged, not turned into an error for the caller.
func (s *Server) record(c trail.Call) {
	if _, err := s.trail.Record(c); err != nil {
		s.log.Error("CloudTrail record lost", "event", c.Name, "err", err)
	}
}

// redshiftCall is the CloudTrail call of a Redshift Query API request.
func redshiftCall(r *http.Request, out redshiftapi.Outcome) trail.Call {
	c := trail.Call{Source: "redshift.amazonaws.com", Name: out.Action, Principal: out.Principal,
		SourceIP: trail.SourceIP(r), UserAgent: r.UserAgent(), RequestParameters: out.RequestParameters(),
		ResponseElements: out.ResponseElements(), RequestID: out.RequestID, ReadOnly: out.ReadOnly()}
	if out.Err != nil {
		c.ErrorCode, c.ErrorMessage = out.Err.Code, out.Err.Message
	}
	return c
}

// serviceCall is the CloudTrail call of a call Redshift made to another service (KMS) for
// the caller's cluster: Redshift's account is the caller, the cluster's the recipient.
func (s *Server) serviceCall(out redshiftapi.Outcome, sc redshiftapi.ServiceCall) trail.Call {
	now := s.cfg.Clock.Now()
	id := trail.RedshiftServiceIdentity(s.cfg.Region, sc.ClusterID, now)
	return trail.Call{Source: sc.Source, Name: sc.Name, Time: now, Identity: &id, SourceIP: "AWS Internal",
		UserAgent: "aws-internal/3", RequestParameters: sc.RequestParameters, ResponseElements: sc.ResponseElements,
		RequestID: uuid.NewString(), ReadOnly: sc.ReadOnly, RecipientAccountID: out.Principal.AccountID,
		SharedEventID: uuid.NewString(),
		Resources:     []trail.Resource{{AccountID: out.Principal.AccountID, Type: sc.ResourceType, ARN: sc.ResourceARN}}}
}

// s3Call is the CloudTrail call of an S3 bucket management request.
func s3Call(r *http.Request, out s3fake.Outcome) trail.Call {
	c := trail.Call{Source: "s3.amazonaws.com", Name: out.Operation, Principal: out.Principal,
		SourceIP: trail.SourceIP(r), UserAgent: "[" + r.UserAgent() + "]", RequestParameters: out.RequestParameters(),
		AdditionalEventData: out.AdditionalEventData(), RequestID: out.RequestID, ReadOnly: out.ReadOnly,
		ErrorCode: out.ErrorCode, ErrorMessage: out.ErrorMessage}
	if out.Bucket != "" {
		c.Resources = []trail.Resource{{AccountID: out.BucketOwner, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + out.Bucket}}
	}
	if out.Principal.IsAnonymous() {
		c.RecipientAccountID = out.BucketOwner
	}
	return c
}

// writeQueryAPIError writes the Query API (Redshift, STS) error envelope.
func writeQueryAPIError(w http.ResponseWriter, reqID string, status int, code, msg string) {
	w.Header().Set("x-amzn-RequestId", reqID)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	type errBody struct {
		Type    string
		Code    string
		Message string
	}
	xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Error     errBody
		RequestID string `xml:"RequestId"`
	}{Error: errBody{Type: "Sender", Code: code, Message: msg}, RequestID: reqID})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	writeJSONStatus(w, status, v)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

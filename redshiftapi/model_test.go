package redshiftapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The botocore model is the reference for codes, statuses, list member names and result
// wrappers. These tests read the one installed with the python3 on PATH (botocore 1.43.11 on
// the project's machine) and skip, saying why, where there is none.

// servedOps are the Redshift operations fakeshift serves, sorted: the scope of the
// modeled-error table and of listMembers.
var servedOps = slices.Sorted(maps.Keys(redshiftHandlers))

type botoRef struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
}

type botoShape struct {
	Type      string             `json:"type"`
	Members   map[string]botoRef `json:"members"`
	Member    *botoRef           `json:"member"`
	Exception bool               `json:"exception"`
	Error     *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
}

type botoModel struct {
	Metadata struct {
		APIVersion   string `json:"apiVersion"`
		XMLNamespace string `json:"xmlNamespace"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input  *botoRef `json:"input"`
		Output *struct {
			Shape         string `json:"shape"`
			ResultWrapper string `json:"resultWrapper"`
		} `json:"output"`
		Errors []botoRef `json:"errors"`
	} `json:"operations"`
	Shapes map[string]botoShape `json:"shapes"`
}

var (
	pythonOnce sync.Once
	pythonPath string
	pythonWhy  string
	botoDir    string
	botoVer    string
)

// tableBotocore is the botocore release the tables of this package were written against.
// An older botocore (Debian's python3-botocore, say) may lack newer operations, shapes and
// members; the model tests log those gaps instead of failing on them.
const tableBotocore = "1.43.11"

// oldBotocore reports whether the installed botocore predates tableBotocore.
func oldBotocore() bool {
	have, want := strings.Split(botoVer, "."), strings.Split(tableBotocore, ".")
	for i := range want {
		if i >= len(have) {
			return true
		}
		h, _ := strconv.Atoi(have[i])
		w, _ := strconv.Atoi(want[i])
		if h != w {
			return h < w
		}
	}
	return false
}

// missing fails the test, or only logs when the installed botocore is older than the tables.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if oldBotocore() {
		t.Logf("botocore %s (older than %s): "+format, append([]any{botoVer, tableBotocore}, args...)...)
		return
	}
	t.Fatalf(format, args...)
}

// pythonWithBotocore returns a python3 that imports botocore and botocore's package
// directory, or skips the test with the reason.
func pythonWithBotocore(t *testing.T) (python, dir string) {
	t.Helper()
	pythonOnce.Do(func() {
		var why []string
		for _, cand := range []string{"python3", "/usr/bin/python3"} {
			p, err := exec.LookPath(cand)
			if err != nil {
				why = append(why, cand+": not found")
				continue
			}
			out, err := exec.Command(p, "-c", "import botocore, os; print(os.path.dirname(botocore.__file__)); print(botocore.__version__)").Output()
			if err != nil {
				why = append(why, p+": cannot import botocore")
				continue
			}
			lines := strings.Fields(string(out))
			pythonPath, botoDir, botoVer = p, lines[0], lines[len(lines)-1]
			return
		}
		pythonWhy = "no python3 with botocore (" + strings.Join(why, "; ") + ")"
	})
	if pythonPath == "" {
		t.Skip(pythonWhy)
	}
	return pythonPath, botoDir
}

var (
	modelMu    sync.Mutex
	modelCache = map[string]*botoModel{}
)

// loadModel reads botocore's service-2.json(.gz) of service at version.
func loadModel(t *testing.T, service, version string) *botoModel {
	t.Helper()
	_, dir := pythonWithBotocore(t)
	modelMu.Lock()
	defer modelMu.Unlock()
	if m, ok := modelCache[service]; ok {
		return m
	}
	base := filepath.Join(dir, "data", service, version, "service-2.json")
	var r io.Reader
	if f, err := os.Open(base); err == nil {
		defer f.Close()
		r = f
	} else if f, err := os.Open(base + ".gz"); err == nil {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		r = zr
	} else {
		t.Skipf("botocore at %s has no %s %s model: %v", dir, service, version, err)
	}
	var m botoModel
	require.NoError(t, json.NewDecoder(r).Decode(&m))
	modelCache[service] = &m
	return &m
}

func TestServiceMetadataMatchesModel(t *testing.T) {
	for _, s := range []Service{Redshift, STS} {
		m := loadModel(t, s.Name, s.Version)
		require.Equal(t, m.Metadata.XMLNamespace, s.Namespace, s.Name)
		require.Equal(t, m.Metadata.APIVersion, s.Version, s.Name)
	}
}

// TestModeledErrorsMatchModel: every entry of the table has the model's code and status,
// and every error shape the served operations can return is in the table.
func TestModeledErrorsMatchModel(t *testing.T) {
	m := loadModel(t, "redshift", Redshift.Version)
	for shape, e := range modeledErrors {
		s, ok := m.Shapes[shape]
		if !ok {
			missing(t, "shape %s is not in the model", shape)
			continue
		}
		require.True(t, s.Exception, shape)
		require.NotNil(t, s.Error, shape)
		code := s.Error.Code
		if code == "" {
			code = shape
		}
		status := s.Error.HTTPStatusCode
		if status == 0 {
			status = 400
		}
		require.Equal(t, code, e.code, "wire code of %s", shape)
		require.Equal(t, status, e.status, "HTTP status of %s", shape)
		require.True(t, s.Error.SenderFault, "%s is a sender fault", shape)
		require.Equal(t, shape, e.shape)
	}
	for _, op := range servedOps {
		o, ok := m.Operations[op]
		if !ok {
			missing(t, "operation %s is not in the model", op)
			continue
		}
		for _, ref := range o.Errors {
			_, ok := modeledErrors[ref.Shape]
			require.True(t, ok, "%s can return %s, which is not in modeledErrors", op, ref.Shape)
		}
	}
	// Each constructor builds the error of its shape.
	for shape := range modeledErrors {
		e := modeled(shape, "m")
		require.Equal(t, modeledErrors[shape].code, e.Code)
		require.True(t, e.Sender)
	}
}

// TestListMembersMatchModel: listMembers gives, for every list parameter of the served
// operations, the member name of the model, and holds nothing else.
func TestListMembersMatchModel(t *testing.T) {
	m := loadModel(t, "redshift", Redshift.Version)
	seen := map[string]bool{}
	for _, op := range servedOps {
		o, ok := m.Operations[op]
		if !ok {
			missing(t, "operation %s is not in the model", op)
			continue
		}
		if o.Input == nil {
			continue
		}
		for name, ref := range m.Shapes[o.Input.Shape].Members {
			s := m.Shapes[ref.Shape]
			if s.Type != "list" {
				continue
			}
			member := s.Member.LocationName
			if member == "" {
				member = "member"
			}
			require.Equal(t, member, listMembers[name], "member name of %s.%s", op, name)
			seen[name] = true
		}
	}
	for name := range listMembers {
		require.True(t, seen[name], "listMembers has %s, which no served operation takes", name)
	}
}

// TestResultWrappersMatchModel: an action has a result wrapper exactly when the model's
// output has one.
func TestResultWrappersMatchModel(t *testing.T) {
	for _, s := range []Service{Redshift, STS} {
		m := loadModel(t, s.Name, s.Version)
		var ops []string
		for op := range m.Operations {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			o := m.Operations[op]
			want := o.Output != nil && o.Output.ResultWrapper != ""
			if want {
				require.Equal(t, op+"Result", o.Output.ResultWrapper, op)
			}
			require.Equal(t, want, s.HasResultWrapper(op), "%s %s", s.Name, op)
		}
	}
}

// listMemberName renders a one-element value of the list type lt and returns the name of
// its item element.
func listMemberName(t *testing.T, lt reflect.Type) string {
	t.Helper()
	l := reflect.MakeSlice(lt, 1, 1)
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	require.NoError(t, enc.EncodeElement(l.Interface(), xml.StartElement{Name: xml.Name{Local: "L"}}))
	require.NoError(t, enc.Flush())
	b := buf.Bytes()
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		require.NoError(t, err, "no item element in %s", b)
		if se, ok := tok.(xml.StartElement); ok {
			depth++
			if depth == 2 {
				return se.Name.Local
			}
		}
	}
}

var timestampType = reflect.TypeOf(Timestamp{})

// checkShape walks the Go type gt and the model shape name together: every xml element gt
// renders must be a member of the shape (under its locationName when it has one), lists
// must name their items as the model does, and leaf types must agree.
func checkShape(t *testing.T, m *botoModel, gt reflect.Type, shape, path string) {
	t.Helper()
	if gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	s, ok := m.Shapes[shape]
	if !ok {
		missing(t, "%s: no shape %s", path, shape)
		return
	}
	if gt == timestampType {
		require.Equal(t, "timestamp", s.Type, path)
		return
	}
	switch gt.Kind() {
	case reflect.Struct:
		require.Equal(t, "structure", s.Type, path)
		byElement := map[string]botoRef{}
		for name, ref := range s.Members {
			el := name
			if ref.LocationName != "" {
				el = ref.LocationName
			}
			byElement[el] = ref
		}
		for i := 0; i < gt.NumField(); i++ {
			el, _, _ := strings.Cut(gt.Field(i).Tag.Get("xml"), ",")
			ref, ok := byElement[el]
			if !ok {
				missing(t, "%s.%s: shape %s has no member %s", path, gt.Field(i).Name, shape, el)
				continue
			}
			checkShape(t, m, gt.Field(i).Type, ref.Shape, path+"."+el)
		}
	case reflect.Slice:
		require.Equal(t, "list", s.Type, path)
		want := s.Member.LocationName
		if want == "" {
			want = "member"
		}
		require.Equal(t, want, listMemberName(t, gt), "%s: item element name", path)
		checkShape(t, m, gt.Elem(), s.Member.Shape, path+"."+want)
	case reflect.String:
		require.Equal(t, "string", s.Type, path)
	case reflect.Bool:
		require.Equal(t, "boolean", s.Type, path)
	case reflect.Int, reflect.Int64:
		require.Contains(t, []string{"integer", "long"}, s.Type, path)
	default:
		t.Fatalf("%s: unexpected Go kind %s", path, gt.Kind())
	}
}

// TestShapesMatchModel checks every output type against its operation's output shape.
// botocore's parser would not notice a misnamed list item (it reads every child of a list
// element), so this is what proves the item names.
func TestShapesMatchModel(t *testing.T) {
	for _, c := range responseCases() {
		if c.err != nil || c.result == nil {
			continue
		}
		m := loadModel(t, c.svc.Name, c.svc.Version)
		op, ok := m.Operations[c.action]
		if !ok {
			missing(t, "operation %s is not in the model", c.action)
			continue
		}
		require.NotNil(t, op.Output, c.action)
		checkShape(t, m, reflect.TypeOf(c.result), op.Output.Shape, c.action)
	}
	// Types not covered by a response case.
	m := loadModel(t, "redshift", Redshift.Version)
	checkShape(t, m, reflect.TypeOf(ClusterResult{}), "ModifyClusterResult", "ModifyCluster")
	checkShape(t, m, reflect.TypeOf(ClusterResult{}), "RebootClusterResult", "RebootCluster")
}

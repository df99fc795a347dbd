package cluster

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
)

// Redshift's SESSION TIMEOUT bounds, in seconds (CREATE USER documentation).
const (
	minSessionTimeout = 60
	maxSessionTimeout = 1728000
)

// userDDL runs user and group DDL. Outside a transaction the change is committed at once;
// inside one it is seen by this session and committed at COMMIT (and lost at ROLLBACK).
func (s *session) userDDL(ctx context.Context, stmt sql.Statement) (string, error) {
	var tag string
	var users []pendingUserRecord
	build := func(cat *catalog) ([]change, error) {
		var err error
		var changes []change
		switch p := stmt.(type) {
		case *sql.CreateUser:
			tag = "CREATE USER"
			changes, err = s.createUser(cat, p)
		case *sql.AlterUser:
			tag = "ALTER USER"
			changes, err = s.alterUser(cat, p)
		case *sql.DropUser:
			tag = "DROP USER"
			changes, err = s.dropUser(cat, p)
		case *sql.CreateGroup:
			tag = "CREATE GROUP"
			changes, err = s.createGroup(cat, p)
		case *sql.AlterGroup:
			tag = "ALTER GROUP"
			changes, err = s.alterGroup(cat, p)
		case *sql.DropGroup:
			tag = "DROP GROUP"
			changes, err = s.dropGroup(cat, p)
		default:
			return nil, fmt.Errorf("cluster: unexpected statement %T", stmt)
		}
		if err == nil {
			users = userRecords(cat, changes)
		}
		return changes, err
	}
	if s.tx == txIdle {
		if err := s.c.mutate(build); err != nil {
			return "", err
		}
		return tag, s.recordUserChanges(s.curXID, users)
	}
	if s.txCat == nil {
		s.txCat = s.c.cat.Load().clone()
	}
	changes, err := build(s.txCat)
	if err != nil {
		return "", err
	}
	for _, ch := range changes {
		s.txCat.apply(ch)
	}
	s.txChanges = append(s.txChanges, changes...)
	s.txUsers = append(s.txUsers, users...)
	return tag, nil
}

// userRecords are the user log records of changes made to cat: create, alter, rename or
// drop, with the user as it is after the change (as it was, for a drop).
func userRecords(cat *catalog, changes []change) []pendingUserRecord {
	var out []pendingUserRecord
	for _, ch := range changes {
		switch {
		case ch.user != nil:
			old := cat.users[ch.user.ID]
			switch {
			case old == nil:
				out = append(out, pendingUserRecord{user: ch.user, action: logger.ActionCreate})
			case old.Name != ch.user.Name:
				out = append(out, pendingUserRecord{user: ch.user, oldName: old.Name, action: logger.ActionRename})
			default:
				out = append(out, pendingUserRecord{user: ch.user, action: logger.ActionAlter})
			}
		case ch.delUser != 0:
			if old := cat.users[ch.delUser]; old != nil {
				out = append(out, pendingUserRecord{user: old, action: logger.ActionDrop})
			}
		}
	}
	return out
}

// mutate validates and applies a change against the latest catalog, atomically with respect
// to other sessions.
func (c *Cluster) mutate(build func(cat *catalog) ([]change, error)) error {
	c.catMu.Lock()
	defer c.catMu.Unlock()
	changes, err := build(c.cat.Load())
	if err != nil || len(changes) == 0 {
		return err
	}
	return c.commitLocked(changes)
}

func (s *session) requireSuper(what string) error {
	if !s.superuser {
		return sql.Errorf(sql.CodeInsufficientPrivilege, "must be superuser to %s", what)
	}
	return nil
}

func userMissing(name string) error {
	return sql.Errorf(sql.CodeUndefinedObject, `user "%s" does not exist`, name)
}

func groupMissing(name string) error {
	return sql.Errorf(sql.CodeUndefinedObject, `group "%s" does not exist`, name)
}

// storePassword turns a PASSWORD clause into what is stored for user name.
func storePassword(p sql.Password, name string) (StoredPassword, error) {
	switch p.Kind {
	case sql.PasswordDisable:
		return StoredPassword{}, nil
	case sql.PasswordMD5:
		return StoredPassword{Kind: passwordMD5, Hash: p.Value}, nil
	case sql.PasswordSHA256:
		if p.SHA256Digest != "" {
			return StoredPassword{Kind: passwordSHA256, Hash: p.SHA256Digest, Salt: p.SHA256Salt}, nil
		}
		if err := sql.ValidatePassword(p.Value); err != nil {
			return StoredPassword{}, err
		}
		return SHA256Password(p.Value, randomBytes(32)), nil
	default:
		if err := sql.ValidatePassword(p.Value); err != nil {
			return StoredPassword{}, err
		}
		return StoredPassword{Kind: passwordMD5, Hash: sql.MD5Password(p.Value, name)}, nil
	}
}

var errSuperuserPasswordDisable = sql.Errorf(sql.CodeInvalidParameterValue, "cannot disable password for superuser")

// parseValidUntil reads a VALID UNTIL literal; 'infinity' means no expiry.
func parseValidUntil(v string) (*time.Time, error) {
	if strings.EqualFold(v, "infinity") {
		return nil, nil
	}
	for _, layout := range []string{
		"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05.999999", "2006-01-02T15:04:05",
		"2006-01-02 15:04:05-07", "2006-01-02 15:04:05-07:00", "2006-01-02T15:04:05Z07:00", "Jan 2 2006", "Jan 2, 2006",
	} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, sql.Errorf(sql.CodeInvalidDatetimeFormat, `invalid input syntax for type abstime: "%s"`, v)
}

func checkSessionTimeout(n int) error {
	if n < minSessionTimeout || n > maxSessionTimeout {
		return sql.Errorf(sql.CodeInvalidParameterValue, "SESSION TIMEOUT must be between %d and %d seconds", minSessionTimeout, maxSessionTimeout)
	}
	return nil
}

// userOptions are the options CREATE USER and ALTER USER share; nil and "" mean not given.
type userOptions struct {
	syslogAccess   string
	validUntil     *string
	connLimit      *int
	sessionTimeout *int
	externalID     *string
}

func applyOptions(u *User, o userOptions) error {
	if o.syslogAccess != "" {
		u.SyslogAccess = o.syslogAccess
	}
	if o.validUntil != nil {
		t, err := parseValidUntil(*o.validUntil)
		if err != nil {
			return err
		}
		u.ValidUntil = t
	}
	if o.connLimit != nil {
		u.ConnLimit = *o.connLimit
	}
	if o.sessionTimeout != nil {
		if err := checkSessionTimeout(*o.sessionTimeout); err != nil {
			return err
		}
		u.SessionTimeout = *o.sessionTimeout
	}
	if o.externalID != nil {
		u.ExternalID = *o.externalID
	}
	return nil
}

func (s *session) createUser(cat *catalog, p *sql.CreateUser) ([]change, error) {
	if err := s.requireSuper("create users"); err != nil {
		return nil, err
	}
	if cat.userByName(p.Name) != nil {
		return nil, sql.Errorf(sql.CodeDuplicateObject, `user "%s" already exists`, p.Name)
	}
	u := &User{Name: p.Name, ConnLimit: unlimitedConns, SyslogAccess: "RESTRICTED", Created: s.c.clock.Now()}
	if p.CreateUser != nil {
		u.Super = *p.CreateUser
	}
	if p.CreateDB != nil {
		u.CreateDB = *p.CreateDB
	}
	if u.Super && p.Password.Kind == sql.PasswordDisable {
		return nil, errSuperuserPasswordDisable
	}
	var err error
	if u.Password, err = storePassword(p.Password, p.Name); err != nil {
		return nil, err
	}
	if err := applyOptions(u, userOptions{p.SyslogAccess, p.ValidUntil, p.ConnLimit, p.SessionTimeout, p.ExternalID}); err != nil {
		return nil, err
	}
	var groups []*Group
	for _, g := range p.InGroups {
		grp := cat.groupByName(g)
		if grp == nil {
			return nil, groupMissing(g)
		}
		groups = append(groups, grp)
	}
	if u.ID, err = nextID(s.c.space, keyUserCounter, firstUserID); err != nil {
		return nil, err
	}
	changes := []change{{user: u}}
	for _, g := range groups {
		ng := *g
		ng.Members = append(slices.Clone(g.Members), u.ID)
		changes = append(changes, change{group: &ng})
	}
	return changes, nil
}

func (s *session) alterUser(cat *catalog, p *sql.AlterUser) ([]change, error) {
	old := cat.userByName(p.Name)
	if old == nil {
		return nil, userMissing(p.Name)
	}
	own := old.ID == s.userID
	onlyPassword := p.Password != nil && p.CreateDB == nil && p.CreateUser == nil && p.SyslogAccess == "" &&
		p.ConnLimit == nil && p.SessionTimeout == nil && !p.ResetSessionTimeout && p.ExternalID == nil &&
		p.RenameTo == "" && p.Set == nil && p.Reset == ""
	if !s.superuser && !(own && onlyPassword) {
		return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied")
	}
	u := *old
	u.Config = maps.Clone(old.Config)
	var err error
	if p.RenameTo != "" {
		if own {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "session user cannot be renamed")
		}
		if cat.userByName(p.RenameTo) != nil {
			return nil, sql.Errorf(sql.CodeDuplicateObject, `user "%s" already exists`, p.RenameTo)
		}
		u.Name = p.RenameTo
		if u.Password.Kind == passwordMD5 {
			// The MD5 hash is salted with the user name: it cannot survive a rename.
			u.Password = StoredPassword{}
			s.info.Client.Notice(pgwire.Notice{Severity: "NOTICE", Message: "MD5 password cleared because of user rename"})
		}
	}
	if p.CreateUser != nil {
		u.Super = *p.CreateUser
	}
	if p.CreateDB != nil {
		u.CreateDB = *p.CreateDB
	}
	if p.Password != nil {
		if p.Password.Kind == sql.PasswordDisable && u.Super {
			return nil, errSuperuserPasswordDisable
		}
		if u.Password, err = storePassword(*p.Password, u.Name); err != nil {
			return nil, err
		}
	}
	if err := applyOptions(&u, userOptions{p.SyslogAccess, p.ValidUntil, p.ConnLimit, p.SessionTimeout, p.ExternalID}); err != nil {
		return nil, err
	}
	if p.ResetSessionTimeout {
		u.SessionTimeout = 0
	}
	if p.Set != nil {
		param, ok := sessionParams[p.Set.Name]
		if !ok {
			return nil, unknownParam(p.Set.Name)
		}
		if p.Set.Default {
			delete(u.Config, p.Set.Name)
		} else {
			if param.check != nil {
				if err := param.check(p.Set.Value); err != nil {
					return nil, err
				}
			}
			if u.Config == nil {
				u.Config = map[string]string{}
			}
			u.Config[p.Set.Name] = p.Set.Value
		}
	}
	if p.Reset != "" {
		if p.Reset == "all" {
			u.Config = nil
		} else {
			delete(u.Config, p.Reset)
		}
	}
	return []change{{user: &u}}, nil
}

func (s *session) dropUser(cat *catalog, p *sql.DropUser) ([]change, error) {
	if err := s.requireSuper("drop users"); err != nil {
		return nil, err
	}
	var changes []change
	dropped := map[int32]bool{}
	for _, name := range p.Names {
		u := cat.userByName(name)
		if u == nil {
			if p.IfExists {
				s.info.Client.Notice(pgwire.Notice{Severity: "NOTICE", Message: fmt.Sprintf(`user "%s" does not exist, skipping`, name)})
				continue
			}
			return nil, userMissing(name)
		}
		if u.ID == s.userID {
			return nil, sql.Errorf(sql.CodeObjectInUse, "current user cannot be dropped")
		}
		if u.ID == rdsdbUserID {
			return nil, sql.Errorf(sql.CodeInsufficientPrivilege, `permission denied to drop user "%s"`, name)
		}
		if dropped[u.ID] {
			continue
		}
		dropped[u.ID] = true
		changes = append(changes, change{delUser: u.ID})
	}
	for _, g := range cat.groups {
		kept := slices.DeleteFunc(slices.Clone(g.Members), func(id int32) bool { return dropped[id] })
		if len(kept) != len(g.Members) {
			ng := *g
			ng.Members = kept
			changes = append(changes, change{group: &ng})
		}
	}
	return changes, nil
}

func (s *session) memberIDs(cat *catalog, names []string) ([]int32, error) {
	ids := make([]int32, 0, len(names))
	for _, n := range names {
		u := cat.userByName(n)
		if u == nil {
			return nil, userMissing(n)
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

func (s *session) createGroup(cat *catalog, p *sql.CreateGroup) ([]change, error) {
	if err := s.requireSuper("create groups"); err != nil {
		return nil, err
	}
	if cat.groupByName(p.Name) != nil {
		return nil, sql.Errorf(sql.CodeDuplicateObject, `group "%s" already exists`, p.Name)
	}
	members, err := s.memberIDs(cat, p.Users)
	if err != nil {
		return nil, err
	}
	id, err := nextID(s.c.space, keyGroupCounter, firstGroupID)
	if err != nil {
		return nil, err
	}
	return []change{{group: &Group{ID: id, Name: p.Name, Members: members}}}, nil
}

func (s *session) alterGroup(cat *catalog, p *sql.AlterGroup) ([]change, error) {
	if err := s.requireSuper("alter groups"); err != nil {
		return nil, err
	}
	old := cat.groupByName(p.Name)
	if old == nil {
		return nil, groupMissing(p.Name)
	}
	g := *old
	g.Members = slices.Clone(old.Members)
	if p.RenameTo != "" {
		if cat.groupByName(p.RenameTo) != nil {
			return nil, sql.Errorf(sql.CodeDuplicateObject, `group "%s" already exists`, p.RenameTo)
		}
		g.Name = p.RenameTo
	}
	add, err := s.memberIDs(cat, p.Add)
	if err != nil {
		return nil, err
	}
	for _, id := range add {
		if !slices.Contains(g.Members, id) {
			g.Members = append(g.Members, id)
		}
	}
	drop, err := s.memberIDs(cat, p.Drop)
	if err != nil {
		return nil, err
	}
	g.Members = slices.DeleteFunc(g.Members, func(id int32) bool { return slices.Contains(drop, id) })
	return []change{{group: &g}}, nil
}

func (s *session) dropGroup(cat *catalog, p *sql.DropGroup) ([]change, error) {
	if err := s.requireSuper("drop groups"); err != nil {
		return nil, err
	}
	g := cat.groupByName(p.Name)
	if g == nil {
		return nil, groupMissing(p.Name)
	}
	return []change{{delGrp: g.ID}}, nil
}

package redshiftapi

import (
	"strings"
)

func (s *API) createParameterGroup(c *call) (any, error) {
	raw, err := c.required("ParameterGroupName")
	if err != nil {
		return nil, err
	}
	name, e := ValidateParameterGroupName(raw)
	if e != nil {
		return nil, e
	}
	family, err := c.required("ParameterGroupFamily")
	if err != nil {
		return nil, err
	}
	if e := ValidateParameterGroupFamily(family); e != nil {
		return nil, e
	}
	desc, err := c.required("Description")
	if err != nil {
		return nil, err
	}
	tags, terr := c.tags()
	if terr != nil {
		return nil, terr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.loadGroup(name); err == nil {
		return nil, ClusterParameterGroupAlreadyExists(name)
	}
	g := &groupState{Name: name, Family: family, Description: desc, Tags: tags}
	if err := s.putJSON(groupKey(name), g); err != nil {
		return nil, err
	}
	return CreateClusterParameterGroupResult{ClusterParameterGroup: g.view()}, nil
}

func (g *groupState) view() ClusterParameterGroup {
	return ClusterParameterGroup{ParameterGroupName: g.Name, ParameterGroupFamily: g.Family,
		Description: g.Description, Tags: g.Tags}
}

// page returns the items after marker, at most max of them, and the next marker.
func page[T any](items []T, key func(T) string, marker string, max int) ([]T, string) {
	var out []T
	for _, it := range items {
		if marker != "" && key(it) <= marker {
			continue
		}
		if len(out) == max {
			return out, key(out[len(out)-1])
		}
		out = append(out, it)
	}
	return out, ""
}

// paging reads MaxRecords and Marker.
func paging(c *call) (int, string, error) {
	p := c.p
	max := 100
	if v, e := c.integer("MaxRecords"); e != nil {
		return 0, "", e
	} else if v != nil {
		if e := ValidateMaxRecords(*v); e != nil {
			return 0, "", e
		}
		max = *v
	}
	marker, _ := p.String("Marker")
	return max, marker, nil
}

func (s *API) describeParameterGroups(c *call) (any, error) {
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	var groups []*groupState
	if v, ok := c.p.String("ParameterGroupName"); ok {
		g, err := s.loadGroup(strings.ToLower(v))
		if err != nil {
			return nil, err
		}
		groups = []*groupState{g}
	} else if groups, err = s.groups(); err != nil {
		return nil, err
	}
	items, next := page(groups, func(g *groupState) string { return g.Name }, marker, max)
	res := DescribeClusterParameterGroupsResult{Marker: next, ParameterGroups: ParameterGroupList{}}
	for _, g := range items {
		res.ParameterGroups = append(res.ParameterGroups, g.view())
	}
	return res, nil
}

// modifiable returns a stored (not default) parameter group.
func (s *API) modifiable(c *call) (*groupState, error) {
	raw, err := c.required("ParameterGroupName")
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(strings.ToLower(raw))
	if err != nil {
		return nil, err
	}
	if isDefaultGroup(g.Name) {
		return nil, InvalidClusterParameterGroupState("Cannot modify the default parameter group " + g.Name + ".")
	}
	return g, nil
}

func (s *API) modifyParameterGroup(c *call) (any, error) {
	changes, e := c.parameters()
	if e != nil {
		return nil, e
	}
	if len(changes) == 0 {
		return nil, MissingParameter("Parameters")
	}
	if len(changes) > 20 {
		return nil, InvalidParameterValue("A maximum of 20 parameters can be modified in a single request.")
	}
	for _, ch := range changes {
		if !ch.HasValue {
			return nil, MissingParameter("ParameterValue")
		}
		if e := ValidateParameterValue(ch.ParameterName, ch.ParameterValue); e != nil {
			return nil, e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.modifiable(c)
	if err != nil {
		return nil, err
	}
	if g.Values == nil {
		g.Values = map[string]string{}
	}
	for _, ch := range changes {
		g.Values[ch.ParameterName] = ch.ParameterValue
	}
	if err := s.putJSON(groupKey(g.Name), g); err != nil {
		return nil, err
	}
	return ParameterGroupNameResult{ParameterGroupName: g.Name, ParameterGroupStatus: ParameterGroupStatusUpdated}, nil
}

func (s *API) resetParameterGroup(c *call) (any, error) {
	all, e := c.boolean("ResetAllParameters")
	if e != nil {
		return nil, e
	}
	changes, e := c.parameters()
	if e != nil {
		return nil, e
	}
	resetAll := all != nil && *all
	if resetAll && len(changes) > 0 {
		return nil, InvalidParameterCombination("Cannot reset all parameters and specify a list of parameters.")
	}
	if !resetAll && len(changes) == 0 {
		return nil, MissingParameter("Parameters")
	}
	for _, ch := range changes {
		if _, ok := EngineDefault(ch.ParameterName); !ok {
			return nil, InvalidParameterValue("Could not find parameter with name: " + ch.ParameterName)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.modifiable(c)
	if err != nil {
		return nil, err
	}
	if resetAll {
		g.Values = nil
	}
	for _, ch := range changes {
		delete(g.Values, ch.ParameterName)
	}
	if err := s.putJSON(groupKey(g.Name), g); err != nil {
		return nil, err
	}
	return ParameterGroupNameResult{ParameterGroupName: g.Name, ParameterGroupStatus: ParameterGroupStatusUpdated}, nil
}

func (s *API) describeClusterParameters(c *call) (any, error) {
	raw, err := c.required("ParameterGroupName")
	if err != nil {
		return nil, err
	}
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	source, filtered := c.p.String("Source")
	if filtered {
		if e := ValidateParameterSource(source); e != nil {
			return nil, e
		}
	}
	g, err := s.loadGroup(strings.ToLower(raw))
	if err != nil {
		return nil, err
	}
	var params []Parameter
	for _, p := range g.effective() {
		if !filtered || p.Source == source {
			params = append(params, p)
		}
	}
	items, next := page(params, func(p Parameter) string { return p.ParameterName }, marker, max)
	return DescribeClusterParametersResult{Parameters: ParameterList(items), Marker: next}, nil
}

func (s *API) describeDefaultParameters(c *call) (any, error) {
	family, err := c.required("ParameterGroupFamily")
	if err != nil {
		return nil, err
	}
	if e := ValidateParameterGroupFamily(family); e != nil {
		return nil, e
	}
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	params, _ := EngineDefaults(family)
	items, next := page(params, func(p Parameter) string { return p.ParameterName }, marker, max)
	return DescribeDefaultClusterParametersResult{DefaultClusterParameters: DefaultClusterParameters{
		ParameterGroupFamily: family, Marker: next, Parameters: ParameterList(items)}}, nil
}

func (s *API) deleteParameterGroup(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.modifiable(c)
	if err != nil {
		return nil, err
	}
	clusters, err := s.clusters()
	if err != nil {
		return nil, err
	}
	for _, st := range clusters {
		if st.ParameterGroup == g.Name {
			return nil, InvalidClusterParameterGroupState("The parameter group " + g.Name + " is in use by cluster " + st.ID + ".")
		}
	}
	if err := s.space.Delete(groupKey(g.Name)); err != nil {
		return nil, err
	}
	return nil, nil // no result element in the model
}

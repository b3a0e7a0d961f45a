// Package apidoc renders, from the services' function tables, the documents
// other tools read: the OpenAPI document of the HTTP API and the catalog
// Terraform deploys (terraform/functions.json). It runs at build time
// (`kwipper gen`), never in a function's request path.
package apidoc

import (
	"encoding/json"
	"sort"

	"github.com/kwipper/kwipper/shared/fnreg"
)

// Deployment is the JSON document Terraform reads (terraform/functions.json):
// every service, every function, every topic and every database.
type Deployment struct {
	Services  []DeployedService  `json:"services"`
	Functions []DeployedFunction `json:"functions"`
	Topics    []string           `json:"topics"`
	Databases []string           `json:"databases"`
}

// DeployedService is one service as Terraform sees it: its runtime account
// may use Database (none for a service without one) and publish to Publishes; its functions are pushed
// Consumes.
type DeployedService struct {
	Name      string   `json:"name"`
	Database  *string  `json:"database"` // null for a service without one
	Publishes []string `json:"publishes"`
	Consumes  []string `json:"consumes"`
}

// DeployedFunction is one function as Terraform sees it.
type DeployedFunction struct {
	Name    string `json:"name"`
	Service string `json:"service"`
	Trigger string `json:"trigger"`
	Method  string `json:"method,omitempty"`
	Path    string `json:"path"`
	Topic   string `json:"topic,omitempty"`
	Auth    string `json:"auth"`
	Summary string `json:"summary"`
}

// TerraformJSON renders the deployment document for services (and their
// functions) and extra topics published from outside the code (Cloud
// Scheduler's). Consumed topics are included.
func TerraformJSON(services []fnreg.Service, extraTopics []string) ([]byte, error) {
	var d Deployment
	topics := append([]string{}, extraTopics...)
	var databases []string
	var specs []fnreg.Spec
	for _, svc := range services {
		specs = append(specs, svc.Functions...)
		ds := DeployedService{Name: svc.Name, Publishes: sortedUnique(svc.Publishes), Consumes: []string{}}
		if svc.HasDatabase() {
			ds.Database = &svc.Database
		}
		for _, s := range svc.Functions {
			if s.Trigger == fnreg.PubSub {
				ds.Consumes = append(ds.Consumes, s.Topic)
			}
		}
		ds.Consumes = sortedUnique(ds.Consumes)
		d.Services = append(d.Services, ds)
		topics = append(topics, svc.Publishes...)
		if svc.HasDatabase() {
			databases = append(databases, svc.Database)
		}
	}
	d.Databases = sortedUnique(databases)
	for _, s := range specs {
		path := s.Path
		if s.Trigger == fnreg.PubSub {
			path = fnreg.PushPath(s.Name)
			topics = append(topics, s.Topic)
		}
		d.Functions = append(d.Functions, DeployedFunction{Name: s.Name, Service: s.Service, Trigger: string(s.Trigger),
			Method: s.Method, Path: path, Topic: s.Topic, Auth: string(s.Access), Summary: s.Summary})
	}
	d.Topics = sortedUnique(topics)
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}

func sortedUnique(in []string) []string {
	set := map[string]bool{}
	for _, s := range in {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

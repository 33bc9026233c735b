// k8s-check decodes every object of a multi-document YAML stream (the output of `helm template`) strictly into its
// Kubernetes Go type (k8s.io/api, pinned in go.mod): an unknown field, a field of the wrong type, a duplicate key or
// an object of a kind it does not know fails. It then checks what the Go types cannot express but the API server
// refuses or what would silently not work: required fields, port ranges, selectors that match their pod templates,
// references between the rendered objects (Service -> pods, HPA -> Deployment, Ingress -> Service port).
//
//	helm template demo helm/smartcity | go run ./tools/k8s-check [-restricted] [file ...]
//
// -restricted also requires the Pod Security "restricted" profile of every pod, plus a read-only root filesystem.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Object is one decoded document.
type Object struct {
	Doc        int    // 1-based position in the stream
	Source     string // helm's "# Source:" comment, when present
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	Value      any // pointer to the typed struct
}

func (o *Object) where() string {
	loc := fmt.Sprintf("document %d", o.Doc)
	if o.Source != "" {
		loc = o.Source
	}
	if o.Kind == "" {
		return loc
	}
	return fmt.Sprintf("%s (%s %s)", loc, o.Kind, o.Name)
}

// Options select the optional policy checks.
type Options struct {
	Restricted bool
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// Check reads the stream and returns the decoded objects and every problem found (empty when the stream is valid).
func Check(r io.Reader, opts Options) ([]*Object, []string) {
	var objects []*Object
	var problems []string
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for doc := 1; ; doc++ {
		raw, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("document %d: cannot read YAML: %v", doc, err))
			break
		}
		obj := &Object{Doc: doc}
		if m := sourceComment.FindSubmatch(raw); m != nil {
			obj.Source = string(m[1])
		}
		if len(bytes.TrimSpace(stripComments(raw))) == 0 {
			continue
		}
		if p := decode(raw, obj); p != nil {
			for _, msg := range p {
				problems = append(problems, obj.where()+": "+msg)
			}
			if obj.Value == nil {
				continue
			}
		}
		objects = append(objects, obj)
	}
	problems = append(problems, validateAll(objects, opts)...)
	return objects, problems
}

func stripComments(raw []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// decode converts one YAML document to JSON (duplicate keys fail) and decodes it strictly into its Go type.
func decode(raw []byte, obj *Object) []string {
	data, err := yaml.YAMLToJSONStrict(raw)
	if err != nil {
		return []string{fmt.Sprintf("invalid YAML: %v", err)}
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return []string{fmt.Sprintf("not a Kubernetes object: %v", err)}
	}
	obj.APIVersion, obj.Kind, obj.Name, obj.Namespace = head.APIVersion, head.Kind, head.Metadata.Name, head.Metadata.Namespace
	if head.APIVersion == "" || head.Kind == "" {
		return []string{"apiVersion and kind are required"}
	}
	newValue, ok := kinds[head.APIVersion+"/"+head.Kind]
	if !ok {
		return []string{fmt.Sprintf("unknown kind %s %s: not one of the types this checker decodes (%s)", head.APIVersion, head.Kind, knownKinds())}
	}
	value := newValue()
	strict, err := sigsjson.UnmarshalStrict(data, value, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return []string{fmt.Sprintf("does not decode into %s: %v", head.Kind, err)}
	}
	obj.Value = value
	var problems []string
	for _, e := range strict {
		problems = append(problems, fmt.Sprintf("strict decoding into %s: %v", head.Kind, e))
	}
	return problems
}

func knownKinds() string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func main() {
	restricted := flag.Bool("restricted", false, "require the Pod Security restricted profile and a read-only root filesystem")
	quiet := flag.Bool("q", false, "print only problems")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: k8s-check [-restricted] [-q] [file ...]   (no file or '-': standard input)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	var readers []io.Reader
	var names []string
	if flag.NArg() == 0 {
		readers, names = append(readers, os.Stdin), append(names, "stdin")
	}
	for _, name := range flag.Args() {
		if name == "-" {
			readers, names = append(readers, os.Stdin), append(names, "stdin")
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "k8s-check:", err)
			os.Exit(2)
		}
		defer f.Close()
		readers, names = append(readers, f), append(names, name)
	}
	failed := false
	for i, r := range readers {
		objects, problems := Check(r, Options{Restricted: *restricted})
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "k8s-check: %s: %s\n", names[i], p)
		}
		switch {
		case len(problems) > 0:
			failed = true
			fmt.Fprintf(os.Stderr, "k8s-check: %s: REFUSED, %d problem(s) in %d object(s)\n", names[i], len(problems), len(objects))
		case len(objects) == 0:
			failed = true
			fmt.Fprintf(os.Stderr, "k8s-check: %s: no objects\n", names[i])
		case !*quiet:
			fmt.Printf("k8s-check: %s: %d objects valid against %s: %s\n", names[i], len(objects), APIVersion, summary(objects))
		}
	}
	if failed {
		os.Exit(1)
	}
}

func summary(objects []*Object) string {
	counts := map[string]int{}
	for _, o := range objects {
		counts[o.Kind]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}

package draft4

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ContentFile is the file, under the registry directory, that holds every
// converted schema as a string under its ContentKey.
const ContentFile = "content.json"

var schemaFile = regexp.MustCompile(`^([A-Za-z]+)\.v([0-9]+)\.json$`)

// ContentKey is the key of a schema in ContentFile: "PostCreatedV1" for
// PostCreated.v1.json. serverless.yml reads it with ${file(…):key}, whose
// address cannot hold a dot.
func ContentKey(detailType, version string) string { return detailType + "V" + version }

// Files returns the converted schemas, by file name under the registry
// directory, of the schemas in dir (<DetailType>.v<N>.json; other files and
// subdirectories are left out), ContentFile included.
func Files(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("draft4.Files: %w", err)
	}
	files := map[string][]byte{}
	content := map[string]string{}
	for _, e := range entries {
		m := schemaFile.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("draft4.Files: %w", err)
		}
		out, err := Convert(src)
		if err != nil {
			return nil, fmt.Errorf("draft4.Files %s: %w", e.Name(), err)
		}
		files[e.Name()] = out
		compact, err := compactJSON(out)
		if err != nil {
			return nil, fmt.Errorf("draft4.Files %s: %w", e.Name(), err)
		}
		content[ContentKey(m[1], m[2])] = compact
	}
	b, err := json.MarshalIndent(content, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("draft4.Files: %w", err)
	}
	files[ContentFile] = append(b, '\n')
	return files, nil
}

// Generate writes Files(schemaDir) to registryDir and removes the files
// there that no longer have a schema.
func Generate(schemaDir, registryDir string) error {
	files, err := Files(schemaDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(registryDir, 0o755); err != nil {
		return fmt.Errorf("draft4.Generate: %w", err)
	}
	old, err := filepath.Glob(filepath.Join(registryDir, "*.json"))
	if err != nil {
		return fmt.Errorf("draft4.Generate: %w", err)
	}
	for _, f := range old {
		if _, keep := files[filepath.Base(f)]; !keep {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("draft4.Generate: %w", err)
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(registryDir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("draft4.Generate: %w", err)
		}
	}
	return nil
}

func compactJSON(b []byte) (string, error) {
	var sb strings.Builder
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(sb.String(), "\n"), nil
}

package values

// Struct tags: `yaml` names the key (json carries the same name, for the
// runtime's fast path over the chart's JSON all-values file). A struct with an
// `,inline` map field keeps the keys it does not know in that map and never
// rejects them; any other struct inside `harness:` rejects unknown keys in
// Strict mode. Outside `harness:`, unknown keys are always free.

// Values is the root of a deployment's values: the chart's values.yaml, a
// deployment-configuration/values-template*.yaml overlay, or the all-values
// file mounted into every pod.
type Values struct {
	// Local is true for a deployment on a local cluster (harness-deployment -l): pods get DNS entries for the domain.
	Local bool `yaml:"local" json:"local"`
	// SecuredGatekeepers enables the gatekeepers of secured applications; false turns them all off (testing, development).
	SecuredGatekeepers bool `yaml:"secured_gatekeepers" json:"secured_gatekeepers"`
	// Domain is the root domain; applications are published at SUBDOMAIN.DOMAIN.
	Domain string `yaml:"domain" json:"domain"`
	// Namespace is the Kubernetes namespace of the deployment.
	Namespace string `yaml:"namespace" json:"namespace"`
	// MainApp is the application served at the root domain itself.
	MainApp string `yaml:"mainapp" json:"mainapp"`
	// Registry is the container registry images are pushed to and pulled from.
	Registry Registry `yaml:"registry" json:"registry"`
	// Tag is the image tag of the built images.
	Tag string `yaml:"tag" json:"tag"`
	// Apps holds each application's values, keyed by the application's values key (its name with `-` replaced by `_`).
	Apps map[string]App `yaml:"apps" json:"apps"`
	// Env lists environment variables added to every container.
	Env []NameValue `yaml:"env" json:"env"`
	// PrivEnv lists private environment variables added to every container.
	PrivEnv []NameValue `yaml:"privenv" json:"privenv"`
	// Backup configures the backups of automatic databases.
	Backup Backup `yaml:"backup" json:"backup"`
	// Name is the base name of the deployment, the prefix of image names.
	Name string `yaml:"name" json:"name"`
	// TaskImages maps task and base image names to their full image references.
	TaskImages map[string]string `yaml:"task-images" json:"task-images"`
	// BuildHash identifies the source revision the deployment was built from.
	BuildHash string `yaml:"build_hash" json:"build_hash"`
	// Ingress configures the deployment's single Ingress.
	Ingress Ingress `yaml:"ingress" json:"ingress"`
	// TLS is the name of the TLS secret of the Ingress (true: the default name), or empty or false when TLS is off.
	TLS TLS `yaml:"tls" json:"tls"`
	// Proxy holds the defaults of the ingress proxy and the gatekeepers.
	Proxy Proxy `yaml:"proxy" json:"proxy"`
	// LocalIP is the cluster's IP address, written by harness-deployment -l for local DNS mapping.
	LocalIP string `yaml:"localIp" json:"localIp"`
	// Harness holds the defaults of every application's `harness:` section (the chart's values.yaml only).
	Harness *Harness `yaml:"harness" json:"harness"`
	// Extra keeps every other root key: free values of the solution.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// Registry is a container registry.
type Registry struct {
	// Name is the registry's address, e.g. `localhost:5000`; empty for images without a registry prefix.
	Name string `yaml:"name" json:"name"`
	// Secret names the image pull secret for the registry, if it needs one.
	Secret string `yaml:"secret" json:"secret"`
}

// NameValue is one environment variable.
type NameValue struct {
	// Name is the variable's name.
	Name string `yaml:"name" json:"name"`
	// Value is the variable's value; numbers and booleans are kept as written.
	Value Scalar `yaml:"value" json:"value"`
}

// Backup configures periodic backups of the automatic databases.
type Backup struct {
	// Active turns backups on.
	Active bool `yaml:"active" json:"active"`
	// KeepDays is how many daily backups to keep.
	KeepDays Scalar `yaml:"keep_days" json:"keep_days"`
	// KeepWeeks is how many weekly backups to keep.
	KeepWeeks Scalar `yaml:"keep_weeks" json:"keep_weeks"`
	// KeepMonths is how many monthly backups to keep.
	KeepMonths Scalar `yaml:"keep_months" json:"keep_months"`
	// Schedule is the backups' cron expression.
	Schedule string `yaml:"schedule" json:"schedule"`
	// Suffix is appended to backup file names, e.g. `.gz`.
	Suffix string `yaml:"suffix" json:"suffix"`
	// VolumeSize is the size of the volume all backups share, e.g. `2Gi`.
	VolumeSize Scalar `yaml:"volumesize" json:"volumesize"`
	// Dir is where the backup volume is mounted.
	Dir string `yaml:"dir" json:"dir"`
	// Resources are the backup jobs' resources.
	Resources Resources `yaml:"resources" json:"resources"`
}

// Ingress configures the deployment's Ingress.
type Ingress struct {
	// Enabled creates the Ingress.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Auto is in CloudHarness's schema (as on every generated artifact) but has no effect: Enabled decides.
	Auto bool `yaml:"auto" json:"auto"`
	// Name is the Ingress object's name.
	Name string `yaml:"name" json:"name"`
	// SSLRedirect redirects plain HTTP to HTTPS.
	SSLRedirect bool `yaml:"ssl_redirect" json:"ssl_redirect"`
	// LetsEncrypt configures certificates issued by Let's Encrypt.
	LetsEncrypt LetsEncrypt `yaml:"letsencrypt" json:"letsencrypt"`
}

// LetsEncrypt configures the ACME certificate issuer.
type LetsEncrypt struct {
	// Email is the contact address of the certificates' account.
	Email string `yaml:"email" json:"email"`
}

// Proxy configures the ingress proxy and the gatekeepers. In an
// application's `harness:` a zero value means the root value applies.
type Proxy struct {
	// ForwardedHeaders passes the clients' forwarded headers on; false hides client addresses from every log.
	ForwardedHeaders bool `yaml:"forwardedHeaders" json:"forwardedHeaders"`
	// Timeout holds the proxy timeouts, in seconds.
	Timeout ProxyTimeout `yaml:"timeout" json:"timeout"`
	// Payload limits request bodies.
	Payload ProxyPayload `yaml:"payload" json:"payload"`
	// Gatekeeper configures the gatekeepers in front of secured applications.
	Gatekeeper Gatekeeper `yaml:"gatekeeper" json:"gatekeeper"`
}

// ProxyTimeout holds proxy timeouts in seconds.
type ProxyTimeout struct {
	// Send is the timeout for sending a request upstream.
	Send int `yaml:"send" json:"send"`
	// Read is the timeout for reading a response.
	Read int `yaml:"read" json:"read"`
	// Keepalive is the keep-alive timeout of upstream connections.
	Keepalive int `yaml:"keepalive" json:"keepalive"`
}

// ProxyPayload limits request bodies.
type ProxyPayload struct {
	// Max is the largest request body, in megabytes.
	Max int `yaml:"max" json:"max"`
}

// Gatekeeper configures the authenticating proxy of secured applications.
type Gatekeeper struct {
	// Image is the gatekeeper's container image.
	Image string `yaml:"image" json:"image"`
	// Replicas is the number of gatekeeper pods.
	Replicas int `yaml:"replicas" json:"replicas"`
	// Resources are the gatekeeper container's resources.
	Resources Resources `yaml:"resources" json:"resources"`
}

// Resources are a container's resource requests and limits.
type Resources struct {
	// Requests is what the container is guaranteed.
	Requests ResourceList `yaml:"requests" json:"requests"`
	// Limits is the most the container may use.
	Limits ResourceList `yaml:"limits" json:"limits"`
}

// ResourceList gives Kubernetes quantities for cpu and memory; other
// resource names (ephemeral-storage, devices) are kept in Extra.
type ResourceList struct {
	// CPU is a CPU quantity, e.g. `100m` or `0.5`.
	CPU Scalar `yaml:"cpu" json:"cpu"`
	// Memory is a memory quantity, e.g. `64Mi`.
	Memory Scalar `yaml:"memory" json:"memory"`
	// Extra keeps other resource names.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// App is one application's values: the `harness:` section, which harness
// understands, and the application's free values beside it (reachable in
// templates as `.Values.apps.APP.KEY`).
type App struct {
	// Harness configures how harness builds and deploys the application.
	Harness Harness `yaml:"harness" json:"harness"`
	// Free keeps every key beside `harness:`, the application's own values.
	Free map[string]any `yaml:",inline" json:"-"`
}

// Harness is an application's `harness:` section.
type Harness struct {
	// Name is the application's name; harness sets it from the application's folder.
	Name string `yaml:"name" json:"name"`
	// Subdomain publishes the application at SUBDOMAIN.DOMAIN through the Ingress.
	Subdomain string `yaml:"subdomain" json:"subdomain"`
	// Aliases publishes the application at ALIAS.DOMAIN too, for each alias.
	Aliases []string `yaml:"aliases" json:"aliases"`
	// Domain publishes the application at this full domain name.
	Domain string `yaml:"domain" json:"domain"`
	// Secured puts the application behind a gatekeeper that requires a login.
	Secured bool `yaml:"secured" json:"secured"`
	// URIRoleMapping tells the gatekeeper which roles may reach which paths (when secured).
	URIRoleMapping []URIRoleMapping `yaml:"uri_role_mapping" json:"uri_role_mapping"`
	// Deployment configures the application's Deployment.
	Deployment Deployment `yaml:"deployment" json:"deployment"`
	// Service configures the application's Service.
	Service Service `yaml:"service" json:"service"`
	// Port is the port a secured sub-application's gatekeeper forwards to (CloudHarness legacy).
	Port int `yaml:"port" json:"port"`
	// Dependencies lists what the application needs in the deployment and in its image build.
	Dependencies Dependencies `yaml:"dependencies" json:"dependencies"`
	// Database configures the application's automatic database.
	Database Database `yaml:"database" json:"database"`
	// Secrets maps secret names to values; an empty value is generated randomly once and kept across upgrades.
	Secrets Secrets `yaml:"secrets" json:"secrets"`
	// UseServices lists applications this one reaches through its own public address (proxied by the Ingress).
	UseServices []NamedObject `yaml:"use_services" json:"use_services"`
	// Sentry enables error reporting to the deployment's Sentry.
	Sentry bool `yaml:"sentry" json:"sentry"`
	// Env lists environment variables of the application's containers (prefer Envmap).
	Env []NameValue `yaml:"env" json:"env"`
	// Envmap maps environment variable names to values for the application's containers.
	Envmap map[string]Scalar `yaml:"envmap" json:"envmap"`
	// Resources lists files of the application's deploy/resources folder mounted into its containers.
	Resources []FileResource `yaml:"resources" json:"resources"`
	// ReadinessProbe is the Kubernetes readiness probe of the application's container.
	ReadinessProbe *Probe `yaml:"readinessProbe" json:"readinessProbe"`
	// LivenessProbe is the Kubernetes liveness probe of the application's container.
	LivenessProbe *Probe `yaml:"livenessProbe" json:"livenessProbe"`
	// StartupProbe is the Kubernetes startup probe of the application's container.
	StartupProbe *Probe `yaml:"startupProbe" json:"startupProbe"`
	// Proxy overrides the root proxy settings for this application.
	Proxy Proxy `yaml:"proxy" json:"proxy"`
	// Test configures the application's automated tests.
	Test Test `yaml:"test" json:"test"`
	// Dockerfile configures the build of the application's image.
	Dockerfile Dockerfile `yaml:"dockerfile" json:"dockerfile"`
	// Accounts defines roles and test users of the application in the accounts service.
	Accounts Accounts `yaml:"accounts" json:"accounts"`
	// Quotas sets the application's resource quotas (JupyterHub workspaces), free-form.
	Quotas map[string]Scalar `yaml:"quotas" json:"quotas"`
	// JupyterHub configures an application deployed as JupyterHub.
	JupyterHub JupyterHub `yaml:"jupyterhub" json:"jupyterhub"`
	// Events declares the events the application listens to (CloudHarness notifications), free-form.
	Events map[string]any `yaml:"events" json:"events"`
	// SourceRoot is the folder holding the application's sources, relative to the solution.
	SourceRoot string `yaml:"sourceRoot" json:"sourceRoot"`
}

// URIRoleMapping restricts a path behind the gatekeeper. Further gatekeeper
// resource options are passed through.
type URIRoleMapping struct {
	// URI is the path to protect; `*` matches any suffix.
	URI string `yaml:"uri" json:"uri"`
	// Roles lists the roles allowed to reach the path.
	Roles []string `yaml:"roles" json:"roles"`
	// WhiteListed lets anyone reach the path without logging in.
	WhiteListed bool `yaml:"white-listed" json:"white-listed"`
	// Extra keeps other gatekeeper resource options.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// Deployment configures an application's Kubernetes Deployment.
type Deployment struct {
	// Auto creates the Deployment.
	Auto bool `yaml:"auto" json:"auto"`
	// Name is the Deployment's name; harness sets it to the application's name when empty.
	Name string `yaml:"name" json:"name"`
	// Replicas is the number of pods.
	Replicas int `yaml:"replicas" json:"replicas"`
	// Image is the container image; harness sets it from the application's Dockerfile when empty.
	Image string `yaml:"image" json:"image"`
	// Port is the port the application's server listens on.
	Port IntOrString `yaml:"port" json:"port"`
	// Command overrides the container's entrypoint.
	Command []string `yaml:"command" json:"command"`
	// Args overrides the container's arguments.
	Args []string `yaml:"args" json:"args"`
	// Resources are the container's resources.
	Resources Resources `yaml:"resources" json:"resources"`
	// Volume attaches a persistent volume to the application's pods.
	Volume *Volume `yaml:"volume" json:"volume"`
	// Autoscaling adds a HorizontalPodAutoscaler (autoscaling/v2) scaling the Deployment; replicas is then left to it.
	Autoscaling *Autoscaling `yaml:"autoscaling" json:"autoscaling"`
	// PDB adds a PodDisruptionBudget for the application's pods (the `pdb` block of Helm charts, such as CloudHarness's argo chart).
	PDB *PDB `yaml:"pdb" json:"pdb"`
	// PodAntiAffinity keeps the application's pods apart (on different nodes by default), so that losing one node does not take every replica down.
	PodAntiAffinity *PodAntiAffinity `yaml:"podAntiAffinity" json:"podAntiAffinity"`
	// TopologySpreadConstraints are rules spreading the application's pods evenly over zones or other node topologies: Kubernetes's field, whose labelSelector harness sets to the application's own pods.
	TopologySpreadConstraints []TopologySpreadConstraint `yaml:"topologySpreadConstraints" json:"topologySpreadConstraints"`
	// Security relaxes the pod's security settings for an image that needs it; by default the pod follows the "restricted" Pod Security Standard, runs as UID and GID 65532 and cannot write to its root filesystem.
	Security *Security `yaml:"security" json:"security"`
}

// Security is what an application's image needs of its pod's security
// settings. Give only what differs from harness's defaults.
type Security struct {
	// RunAsUser is the UID the containers run as (default 65532); give the user the image was built for, such as 1000 for Keycloak.
	RunAsUser *int64 `yaml:"runAsUser" json:"runAsUser"`
	// RunAsGroup is the GID the containers run as and the group of mounted volumes (default: runAsUser).
	RunAsGroup *int64 `yaml:"runAsGroup" json:"runAsGroup"`
	// RunAsNonRoot false lets an image that runs as root run (then runAsUser is not set, and the pod meets the "baseline" Pod Security Standard instead of "restricted": the namespace must allow it).
	RunAsNonRoot *bool `yaml:"runAsNonRoot" json:"runAsNonRoot"`
	// ReadOnlyRootFilesystem false lets the containers write to their image's filesystem (default true), for images that write beside their code, such as Python applications and Keycloak.
	ReadOnlyRootFilesystem *bool `yaml:"readOnlyRootFilesystem" json:"readOnlyRootFilesystem"`
}

// Autoscaling scales an application's Deployment on CPU or memory use.
type Autoscaling struct {
	// Enabled creates the HorizontalPodAutoscaler.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// MinReplicas is the fewest pods (default 1).
	MinReplicas int `yaml:"minReplicas" json:"minReplicas"`
	// MaxReplicas is the most pods; required, at least minReplicas.
	MaxReplicas int `yaml:"maxReplicas" json:"maxReplicas"`
	// TargetCPUUtilizationPercentage is the average CPU use, in percent of the requested CPU, to scale at (default 80 when no target is given).
	TargetCPUUtilizationPercentage int `yaml:"targetCPUUtilizationPercentage" json:"targetCPUUtilizationPercentage"`
	// TargetMemoryUtilizationPercentage is the average memory use, in percent of the requested memory, to scale at.
	TargetMemoryUtilizationPercentage int `yaml:"targetMemoryUtilizationPercentage" json:"targetMemoryUtilizationPercentage"`
}

// PDB limits voluntary disruptions (node drains) of an application's pods.
type PDB struct {
	// Enabled creates the PodDisruptionBudget.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// MinAvailable is the number or percentage (`50%`) of pods kept running; default 1 when maxUnavailable is not given.
	MinAvailable IntOrString `yaml:"minAvailable" json:"minAvailable"`
	// MaxUnavailable is the number or percentage of pods that may be down; exclusive with minAvailable.
	MaxUnavailable IntOrString `yaml:"maxUnavailable" json:"maxUnavailable"`
}

// PodAntiAffinity asks the scheduler not to put two of an application's pods
// in the same topology domain (node, by default).
type PodAntiAffinity struct {
	// Enabled adds the anti-affinity rule to the pods.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Required makes the rule hard: a pod stays Pending rather than share a domain with another (more replicas than nodes then never run); false (default) only prefers to spread them.
	Required bool `yaml:"required" json:"required"`
	// TopologyKey is the node label whose values are the domains kept apart (default `kubernetes.io/hostname`, one node each; `topology.kubernetes.io/zone` for zones).
	TopologyKey string `yaml:"topologyKey" json:"topologyKey"`
}

// TopologySpreadConstraint spreads an application's pods over the domains of
// a node label, as Kubernetes's pod topologySpreadConstraints do.
type TopologySpreadConstraint struct {
	// MaxSkew is the largest difference allowed between the number of the application's pods in any two domains, at least 1 (default 1).
	MaxSkew int `yaml:"maxSkew" json:"maxSkew"`
	// TopologyKey is the node label whose values are the domains (default `topology.kubernetes.io/zone`).
	TopologyKey string `yaml:"topologyKey" json:"topologyKey"`
	// WhenUnsatisfiable is `ScheduleAnyway` (default: spreading is a preference) or `DoNotSchedule` (a pod stays Pending rather than exceed maxSkew).
	WhenUnsatisfiable string `yaml:"whenUnsatisfiable" json:"whenUnsatisfiable"`
}

// Volume is a persistent volume claimed and mounted for an application.
type Volume struct {
	// Auto creates the volume claim.
	Auto bool `yaml:"auto" json:"auto"`
	// Name is the volume claim's name.
	Name string `yaml:"name" json:"name"`
	// MountPath is where the volume is mounted in the container.
	MountPath string `yaml:"mountpath" json:"mountpath"`
	// Size is the volume's size, e.g. `5Gi`.
	Size Scalar `yaml:"size" json:"size"`
	// UseNFS mounts the volume from the deployment's NFS server, read-write by many pods.
	UseNFS bool `yaml:"usenfs" json:"usenfs"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `yaml:"readonly" json:"readonly"`
}

// Service configures an application's Kubernetes Service.
type Service struct {
	// Auto creates the Service.
	Auto bool `yaml:"auto" json:"auto"`
	// Name is the Service's name; harness sets it to the application's name when empty.
	Name string `yaml:"name" json:"name"`
	// Port is the Service's port (which forwards to the deployment's port).
	Port int `yaml:"port" json:"port"`
}

// Dependencies lists what an application needs.
type Dependencies struct {
	// Hard lists applications without which this one cannot start.
	Hard []string `yaml:"hard" json:"hard"`
	// Soft lists applications without which this one works partially.
	Soft []string `yaml:"soft" json:"soft"`
	// Build lists base and common images the application's image builds from.
	Build []string `yaml:"build" json:"build"`
	// Git lists repositories cloned into the application's image build.
	Git []GitDependency `yaml:"git" json:"git"`
	// Prepull lists further images to pull onto the nodes ahead of time (JupyterHub).
	Prepull []string `yaml:"prepull" json:"prepull"`
}

// GitDependency is a repository cloned inside the application's build.
type GitDependency struct {
	// URL is the repository's address.
	URL string `yaml:"url" json:"url"`
	// BranchTag is the branch or tag to check out.
	BranchTag string `yaml:"branch_tag" json:"branch_tag"`
	// Path is where the repository is cloned (default /git).
	Path string `yaml:"path" json:"path"`
}

// Database configures an application's automatic database.
type Database struct {
	// Auto deploys the database with the application.
	Auto bool `yaml:"auto" json:"auto"`
	// Name is the database Service's name; harness sets APP-db when empty.
	Name string `yaml:"name" json:"name"`
	// Type is the database engine: mongo, postgres, neo4j or sqlite3.
	Type DatabaseType `yaml:"type" json:"type"`
	// Size is the database volume's size, e.g. `1Gi`.
	Size Scalar `yaml:"size" json:"size"`
	// User is the database user.
	User string `yaml:"user" json:"user"`
	// Pass is the database password; when empty the chart generates one into the app's secret database-password.
	Pass string `yaml:"pass" json:"pass"`
	// ImageRef names an image of the build to run the database from instead of the engine's image.
	ImageRef string `yaml:"image_ref" json:"image_ref"`
	// Expose publishes the database through the Ingress.
	Expose bool `yaml:"expose" json:"expose"`
	// Mongo configures a mongo database.
	Mongo MongoConfig `yaml:"mongo" json:"mongo"`
	// Postgres configures a postgres database.
	Postgres PostgresConfig `yaml:"postgres" json:"postgres"`
	// Neo4j configures a neo4j database.
	Neo4j Neo4jConfig `yaml:"neo4j" json:"neo4j"`
	// Resources are the database container's resources.
	Resources Resources `yaml:"resources" json:"resources"`
}

// NamedPort is a named container port.
type NamedPort struct {
	// Name is the port's name (for neo4j, `bolt` is the driver protocol).
	Name string `yaml:"name" json:"name"`
	// Port is the port number.
	Port int `yaml:"port" json:"port"`
}

// MongoConfig configures a mongo database; other keys are passed to templates.
type MongoConfig struct {
	// Image is the mongo container image.
	Image string `yaml:"image" json:"image"`
	// Ports lists the database's ports; the first is the client port.
	Ports []NamedPort `yaml:"ports" json:"ports"`
	// Extra keeps further mongo settings.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// PostgresConfig configures a postgres database; other keys are passed to templates.
type PostgresConfig struct {
	// Image is the postgres container image.
	Image string `yaml:"image" json:"image"`
	// InitialDB is the database created at first start and used by the connection string.
	InitialDB string `yaml:"initialdb" json:"initialdb"`
	// Ports lists the database's ports; the first is the client port.
	Ports []NamedPort `yaml:"ports" json:"ports"`
	// Extra keeps further postgres settings.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// Neo4jConfig configures a neo4j database; other keys are passed to templates.
type Neo4jConfig struct {
	// Image is the neo4j container image.
	Image string `yaml:"image" json:"image"`
	// Memory sizes neo4j's memory pools.
	Memory Neo4jMemory `yaml:"memory" json:"memory"`
	// DBMSSecurityAuthEnabled turns neo4j authentication on ("true") or off ("false").
	DBMSSecurityAuthEnabled Scalar `yaml:"dbms_security_auth_enabled" json:"dbms_security_auth_enabled"`
	// Ports lists the database's ports: http, then bolt.
	Ports []NamedPort `yaml:"ports" json:"ports"`
	// Extra keeps further neo4j settings.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// Neo4jMemory sizes neo4j's memory pools.
type Neo4jMemory struct {
	// Size is the container's memory.
	Size Scalar `yaml:"size" json:"size"`
	// PageCache sizes the page cache.
	PageCache Neo4jPageCache `yaml:"pagecache" json:"pagecache"`
	// Heap sizes the JVM heap.
	Heap Neo4jHeap `yaml:"heap" json:"heap"`
	// Extra keeps further memory settings.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// Neo4jPageCache sizes neo4j's page cache.
type Neo4jPageCache struct {
	// Size is the page cache's size, e.g. `64M`.
	Size Scalar `yaml:"size" json:"size"`
}

// Neo4jHeap sizes neo4j's JVM heap.
type Neo4jHeap struct {
	// Initial is the initial heap size, e.g. `64M`.
	Initial Scalar `yaml:"initial" json:"initial"`
	// Max is the largest heap size, e.g. `128M`.
	Max Scalar `yaml:"max" json:"max"`
}

// NamedObject names an application; other keys are kept.
type NamedObject struct {
	// Name is the application's name.
	Name string `yaml:"name" json:"name"`
	// Extra keeps further keys.
	Extra map[string]any `yaml:",inline" json:"-"`
}

// FileResource mounts a file of the application's deploy/resources folder.
type FileResource struct {
	// Name names the ConfigMap holding the file.
	Name string `yaml:"name" json:"name"`
	// Src is the file's path under deploy/resources.
	Src string `yaml:"src" json:"src"`
	// Dst is the path the file is mounted at in the container.
	Dst string `yaml:"dst" json:"dst"`
}

// Probe is a Kubernetes HTTP probe of the application's container.
type Probe struct {
	// Path is the HTTP path probed.
	Path string `yaml:"path" json:"path"`
	// Port is the port probed (default: the deployment's port).
	Port int `yaml:"port" json:"port"`
	// PeriodSeconds is the time between probes.
	PeriodSeconds int `yaml:"periodSeconds" json:"periodSeconds"`
	// FailureThreshold is the number of failures before the probe fails.
	FailureThreshold int `yaml:"failureThreshold" json:"failureThreshold"`
	// InitialDelaySeconds is the wait before the first probe.
	InitialDelaySeconds int `yaml:"initialDelaySeconds" json:"initialDelaySeconds"`
}

// Test configures an application's automated tests.
type Test struct {
	// Unit configures unit tests.
	Unit UnitTests `yaml:"unit" json:"unit"`
	// API configures API tests against the application's spec.
	API APITests `yaml:"api" json:"api"`
	// E2E configures end-to-end tests.
	E2E E2ETests `yaml:"e2e" json:"e2e"`
}

// UnitTests configures unit tests.
type UnitTests struct {
	// Enabled runs the unit tests.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Commands are the commands that run the unit tests.
	Commands []string `yaml:"commands" json:"commands"`
	// Coverage is the least statement coverage, in percent, the Go unit
	// tests of the application must reach in the CI workflow harness writes
	// (harness-deployment --ci); 0 sets no threshold.
	Coverage float64 `yaml:"coverage" json:"coverage"`
}

// APITests configures API tests.
type APITests struct {
	// Enabled runs the API tests.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Autotest runs the generated tests of the API spec.
	Autotest bool `yaml:"autotest" json:"autotest"`
	// RunParams are further parameters of the test runner.
	RunParams []string `yaml:"runParams" json:"runParams"`
	// Checks lists the checks run on every response, e.g. `all`.
	Checks []string `yaml:"checks" json:"checks"`
}

// E2ETests configures end-to-end tests.
type E2ETests struct {
	// Enabled runs the end-to-end tests.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Smoketest runs the common smoke tests.
	Smoketest bool `yaml:"smoketest" json:"smoketest"`
	// IgnoreConsoleErrors does not fail on browser console errors.
	IgnoreConsoleErrors bool `yaml:"ignoreConsoleErrors" json:"ignoreConsoleErrors"`
	// IgnoreRequestErrors does not fail on failed requests.
	IgnoreRequestErrors bool `yaml:"ignoreRequestErrors" json:"ignoreRequestErrors"`
}

// Dockerfile configures the build of an application's image.
type Dockerfile struct {
	// BuildArgs are build arguments passed to the image build.
	BuildArgs map[string]Scalar `yaml:"buildArgs" json:"buildArgs"`
}

// Accounts defines an application's roles and test users.
type Accounts struct {
	// Roles lists roles created for the application.
	Roles []string `yaml:"roles" json:"roles"`
	// Users lists test users created in the deployment.
	Users []AccountUser `yaml:"users" json:"users"`
}

// AccountUser is a test user.
type AccountUser struct {
	// Username is the user's login name.
	Username string `yaml:"username" json:"username"`
	// Password is the user's password.
	Password string `yaml:"password" json:"password"`
	// Email is the user's e-mail address.
	Email string `yaml:"email" json:"email"`
	// ClientRoles lists the user's roles in the application.
	ClientRoles []string `yaml:"clientRoles" json:"clientRoles"`
	// RealmRoles lists the user's roles in the whole deployment.
	RealmRoles []string `yaml:"realmRoles" json:"realmRoles"`
}

// JupyterHub configures an application deployed as JupyterHub; other keys
// are passed to its templates.
type JupyterHub struct {
	// Args are arguments passed to the user containers.
	Args []string `yaml:"args" json:"args"`
	// ExtraConfig maps names to Python snippets added to jupyterhub_config.py.
	ExtraConfig map[string]any `yaml:"extraConfig" json:"extraConfig"`
	// SpawnerExtraConfig sets attributes of the spawner object.
	SpawnerExtraConfig map[string]any `yaml:"spawnerExtraConfig" json:"spawnerExtraConfig"`
	// ApplicationHook is the Python name of a function changing the user pods' manifest.
	ApplicationHook string `yaml:"applicationHook" json:"applicationHook"`
	// Prepull lists images pulled onto the nodes ahead of time.
	Prepull []string `yaml:"prepull" json:"prepull"`
	// Extra keeps further JupyterHub settings.
	Extra map[string]any `yaml:",inline" json:"-"`
}

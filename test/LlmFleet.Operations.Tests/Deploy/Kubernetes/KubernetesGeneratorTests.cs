using k8s;
using k8s.Models;
using LlmFleet.Operations.Deploy;
using LlmFleet.Operations.Deploy.Kubernetes;

namespace LlmFleet.Operations.Tests.Deploy.Kubernetes;

public sealed class KubernetesGeneratorTests
{
    private static readonly Dictionary<string, Type> TypeMap = new(StringComparer.Ordinal)
    {
        ["v1/Service"] = typeof(V1Service),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        [$"{LeaderWorkerSet.KubeApiVersion}/{LeaderWorkerSet.KubeKind}"] = typeof(LeaderWorkerSet),
        [$"{ScaledObject.KubeApiVersion}/{ScaledObject.KubeKind}"] = typeof(ScaledObject),
        [$"{PodMonitor.KubeApiVersion}/{PodMonitor.KubeKind}"] = typeof(PodMonitor),
    };

    [Fact]
    public void Generate_Glm52Fp8On16H100_LeaderWorkerSetOfTwoNodesUsing16GpusWithThePlansParallelSizes()
    {
        var request = Plans.Glm52OnTwoH100Nodes();
        var plan = request.Plan;
        var lws = Load(Deployer.Generate(request), "vllm.yaml").OfType<LeaderWorkerSet>().Single();

        var group = lws.Spec.LeaderWorkerTemplate;
        Assert.Equal(2, plan.Nodes);
        Assert.Equal(2, group.Size);
        Assert.Equal("RecreateGroupOnPodRestart", group.RestartPolicy);
        var leader = group.LeaderTemplate!.Spec.Containers.Single();
        var worker = group.WorkerTemplate.Spec.Containers.Single();
        var gpusPerGroup = Gpus(leader) + (group.Size!.Value - 1) * Gpus(worker);
        Assert.Equal(16, gpusPerGroup);
        Assert.Equal(plan.Gpus, gpusPerGroup);
        foreach (var args in new[] { leader.Args, worker.Args })
        {
            Assert.Equal(plan.TensorParallelSize.ToString(), Flag(args, "--tensor-parallel-size"));
            Assert.Equal(plan.PipelineParallelSize.ToString(), Flag(args, "--pipeline-parallel-size"));
            Assert.Equal("2", Flag(args, "--nnodes"));
            Assert.Equal("$(LWS_LEADER_ADDRESS)", Flag(args, "--master-addr"));
            // Multi-node runs vLLM's own multiprocessing mode here, not a Ray cluster.
            Assert.DoesNotContain("--distributed-executor-backend", args);
        }
        Assert.Equal(plan.TensorParallelSize * plan.PipelineParallelSize * plan.DataParallelSize, plan.Gpus);
        Assert.Equal("0", Flag(leader.Args, "--node-rank"));
        Assert.Equal("$(LWS_WORKER_INDEX)", Flag(worker.Args, "--node-rank"));
        Assert.Contains("--headless", worker.Args);
        Assert.DoesNotContain("--headless", leader.Args);
        Assert.StartsWith("vllm/vllm-openai:v", leader.Image);
    }

    [Fact]
    public void Generate_MultiNodePlan_StartupProbeAllowsLoadingTheWeightsAndWorkersHaveNoHttpProbes()
    {
        var request = Plans.Glm52OnTwoH100Nodes();
        var lws = Load(Deployer.Generate(request), "vllm.yaml").OfType<LeaderWorkerSet>().Single();
        var leader = lws.Spec.LeaderWorkerTemplate.LeaderTemplate!.Spec.Containers.Single();
        var probe = leader.StartupProbe!;
        var allowedSeconds = probe.PeriodSeconds!.Value * probe.FailureThreshold!.Value;
        // Each node reads its half of ~750 GB: at least half an hour before Kubernetes may give up.
        Assert.True(allowedSeconds >= 1800, $"startup allowance {allowedSeconds} s");
        Assert.Equal("/health", probe.HttpGet.Path);
        Assert.Null(lws.Spec.LeaderWorkerTemplate.WorkerTemplate.Spec.Containers.Single().StartupProbe);
    }

    [Fact]
    public void Generate_SingleNodePlan_DeploymentWithReplicasAndGpusPerPod()
    {
        var request = Plans.Glm45AirOnTwoH100(DeployTarget.Kubernetes, replicas: 3);
        var objects = Load(Deployer.Generate(request), "vllm.yaml");
        var deployment = objects.OfType<V1Deployment>().Single();

        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(2, Gpus(deployment.Spec.Template.Spec.Containers.Single()));
        Assert.Empty(objects.OfType<LeaderWorkerSet>());
        var scaled = objects.OfType<ScaledObject>().Single();
        Assert.Equal("Deployment", scaled.Spec.ScaleTargetRef.Kind);
        Assert.Contains("vllm:num_requests_waiting", scaled.Spec.Triggers.Single().Metadata["query"]);
    }

    [Fact]
    public void Generate_ServiceAndPodMonitor_SelectTheServingPodsOnly()
    {
        var objects = Load(Deployer.Generate(Plans.Glm52OnTwoH100Nodes()), "vllm.yaml");
        var lws = objects.OfType<LeaderWorkerSet>().Single();
        var service = objects.OfType<V1Service>().Single();
        var monitor = objects.OfType<PodMonitor>().Single();

        var leaderLabels = lws.Spec.LeaderWorkerTemplate.LeaderTemplate!.Metadata.Labels;
        var workerLabels = lws.Spec.LeaderWorkerTemplate.WorkerTemplate.Metadata.Labels;
        Assert.True(Matches(service.Spec.Selector, leaderLabels));
        Assert.False(Matches(service.Spec.Selector, workerLabels));
        Assert.True(Matches(monitor.Spec.Selector.MatchLabels, leaderLabels));
        Assert.Equal("/metrics", monitor.Spec.PodMetricsEndpoints.Single().Path);
    }

    [Fact]
    public void Generate_Gateway_MayOnlyReadAndWatchEndpointSlicesAndDiscoversTheVllmService()
    {
        var files = Deployer.Generate(Plans.Glm52OnTwoH100Nodes());
        var gateway = Load(files, "gateway.yaml");
        var rule = gateway.OfType<V1Role>().Single().Rules.Single();
        Assert.Equal(["discovery.k8s.io"], rule.ApiGroups);
        Assert.Equal(["endpointslices"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs);
        var binding = gateway.OfType<V1RoleBinding>().Single();
        var deployment = gateway.OfType<V1Deployment>().Single();
        Assert.Equal(binding.Subjects.Single().Name, deployment.Spec.Template.Spec.ServiceAccountName);
        // The SQLite key store lives on a claim the single gateway pod mounts where fleet.yaml's store points.
        var claim = gateway.OfType<V1PersistentVolumeClaim>().Single();
        Assert.Equal(claim.Metadata.Name, deployment.Spec.Template.Spec.Volumes.Single(v => v.PersistentVolumeClaim is not null).PersistentVolumeClaim.ClaimName);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Contains(deployment.Spec.Template.Spec.Containers.Single().VolumeMounts, m => m.MountPath == "/var/lib/llmfleet");
        var fleetYaml = gateway.OfType<V1ConfigMap>().Single().Data["fleet.yaml"];
        Assert.Contains("service: vllm-glm-5-2", fleetYaml);
        Assert.Contains("store: sqlite:/var/lib/llmfleet/fleet.db", fleetYaml);
        Assert.Equal(Plans.File(files, "fleet.yaml"), fleetYaml);
    }

    [Theory]
    [InlineData("glm-5.2", "fp8", "h100", 16, 1)]
    [InlineData("glm-4.5-air", "fp8", "h100", 2, 4)]
    [InlineData("llama-3.1-8b", "bf16", "h100", 1, 2)]
    public void Generate_EveryManifest_ValidatesAgainstTheKubernetesSchemasAndRoundTrips(string model, string quant, string gpu, int gpus, int replicas)
    {
        var files = Deployer.Generate(new DeployRequest(Plans.For(model, quant, gpu, gpus), DeployTarget.Kubernetes, replicas, "llm"));
        var checkedKinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in new[] { "vllm.yaml", "gateway.yaml" })
        {
            var text = Plans.File(files, path);
            var objects = Load(files, path);
            // Typed models and back give the same text: nothing the typed models do not know was written.
            Assert.Equal(Body(text), KubernetesYaml.SerializeAll(objects));
            foreach (var o in objects)
            {
                var kind = ((IKubernetesObject)o).Kind;
                checkedKinds.Add(kind);
                Assert.Equal("llm", ((IMetadata<V1ObjectMeta>)o).Metadata.NamespaceProperty);
                switch (o)
                {
                    case V1Deployment d:
                        KubernetesSchemas.AssertValid("deployment-apps-v1", d);
                        break;
                    case V1Service s:
                        KubernetesSchemas.AssertValid("service-v1", s);
                        break;
                    case V1ServiceAccount sa:
                        KubernetesSchemas.AssertValid("serviceaccount-v1", sa);
                        break;
                    case V1Role r:
                        KubernetesSchemas.AssertValid("role-rbac-v1", r);
                        break;
                    case V1RoleBinding rb:
                        KubernetesSchemas.AssertValid("rolebinding-rbac-v1", rb);
                        break;
                    case V1PersistentVolumeClaim pvc:
                        KubernetesSchemas.AssertValid("persistentvolumeclaim-v1", pvc);
                        break;
                    case V1ConfigMap cm:
                        KubernetesSchemas.AssertValid("configmap-v1", cm);
                        break;
                    case ScaledObject so:
                        KubernetesSchemas.AssertValid("scaledobject-keda-v1alpha1", so);
                        break;
                    case LeaderWorkerSet lws:
                        KubernetesSchemas.AssertValid("podtemplatespec-v1", lws.Spec.LeaderWorkerTemplate.LeaderTemplate!);
                        KubernetesSchemas.AssertValid("podtemplatespec-v1", lws.Spec.LeaderWorkerTemplate.WorkerTemplate);
                        break;
                    case PodMonitor pm:
                        Assert.NotEmpty(pm.Spec.PodMetricsEndpoints);
                        break;
                    default:
                        Assert.Fail($"unexpected object {kind}");
                        break;
                }
            }
        }
        Assert.Superset(new HashSet<string> { "Service", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "PersistentVolumeClaim", "Deployment", "ScaledObject", "PodMonitor" }, checkedKinds);
    }

    [Fact]
    public void Generate_SchemaValidation_RejectsAMisspeltField()
    {
        // The vendored schemas are strict: this is what makes the test above worth having.
        var deployment = Load(Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Kubernetes, 1)), "vllm.yaml").OfType<V1Deployment>().Single();
        var json = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(deployment))!;
        json["spec"]!["replicaz"] = 2;
        Assert.ThrowsAny<Exception>(() => KubernetesSchemas.AssertValid("deployment-apps-v1", json));
    }

    /// <summary>
    /// The Native AOT binary keeps only the Kubernetes model types its trimming descriptor names (the whole client
    /// doubled its size and start-up): every type any kind written here can hold must be named there, or the binary's
    /// manifests silently lose those keys.
    /// </summary>
    [Fact]
    public void AotTrimmingDescriptor_RootsEveryModelTypeAManifestCanHold()
    {
        var descriptor = System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.RepoRoot, "src", "LlmFleet.Cli", "KubernetesModels.xml"));
        var rooted = descriptor.Descendants("type").Select(t => (string)t.Attribute("fullname")!).ToHashSet(StringComparer.Ordinal);
        var reachable = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        foreach (var kind in TypeMap.Values)
        {
            Walk(kind);
        }
        var missing = reachable.Except(rooted).ToList();
        Assert.True(missing.Count == 0, "add to src/LlmFleet.Cli/KubernetesModels.xml:\n" +
            string.Join("\n", missing.Select(t => $"    <type fullname=\"{t}\" preserve=\"all\" />")));

        void Walk(Type type)
        {
            if (!seen.Add(type))
            {
                return;
            }
            if (type.Namespace == typeof(V1Pod).Namespace && type.Assembly == typeof(V1Pod).Assembly)
            {
                reachable.Add(type.FullName!.Replace('+', '/')); // how descriptors name a nested type
            }
            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    Walk(argument);
                }
            }
            if (type.IsArray)
            {
                Walk(type.GetElementType()!);
            }
            if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
            {
                foreach (var property in type.GetProperties())
                {
                    Walk(property.PropertyType);
                }
            }
        }
    }

    internal static List<object> Load(IReadOnlyList<DeployFile> files, string path) =>
        KubernetesYaml.LoadAllFromString(Plans.File(files, path), TypeMap, strict: true);

    private static int Gpus(V1Container c) => int.Parse(c.Resources.Limits["nvidia.com/gpu"].ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Flag(IList<string> args, string name) => args[args.IndexOf(name) + 1];

    private static bool Matches(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The file without its leading comment line.</summary>
    private static string Body(string text) => text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
}

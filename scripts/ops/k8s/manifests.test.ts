// The rendered Kubernetes overlays: every part probed, bounded, non-root, pinned, scaled and protected; secrets
// only by reference; Kafka topics exactly those of events/topics.ts; every object valid against its schema.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TOPICS_AND_DEAD_LETTERS } from "../../../events/topics.ts";
import { parseConfig } from "../../../gateway/config.ts";
import { DEFAULT_GATEWAY_PORT, defaultSubgraphPort, SUBGRAPH_NAMES } from "../../../platform/topology.ts";
import { parseSubgraphConfig } from "../../../subgraphs/kit/config.ts";
import { findKubectl } from "./kubectl.ts";
import { K8S_DIR, type K8sObject, overlayNames, renderOverlay } from "./render.ts";
import { validateObject } from "./validate.ts";

const PARTS = ["gateway", ...SUBGRAPH_NAMES] as const;
const portOf = (part: string) =>
  part === "gateway" ? DEFAULT_GATEWAY_PORT : defaultSubgraphPort(part as (typeof SUBGRAPH_NAMES)[number]);
const SECRET_NAME = /SECRET|PASSWORD|PRIVATE|PUBLIC_KEY|TOKEN|DATABASE_URL|REDIS_URL/;
/** A Secret's name as written, or with the content hash kustomize's secretGenerator appends. */
const generatedOr = (name: string) => new RegExp(`^${name}(-[a-z0-9]{10})?$`);
const supergraph = readFileSync(join(K8S_DIR, "..", "..", "schemas", "supergraph.graphql"), "utf8");

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  // biome-ignore lint/suspicious/noExplicitAny: probes and resources are read field by field.
  [field: string]: any;
}
const containersOf = (o: K8sObject): Container[] => o.spec?.template?.spec?.containers ?? [];

const kubectl = findKubectl();
const overlays = overlayNames();

it("has the dev and production overlays", () => {
  expect(overlays).toEqual(expect.arrayContaining(["dev", "production"]));
});

describe.each(overlays)("the %s overlay, rendered", (overlay) => {
  let objects: K8sObject[];
  const find = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject;
  beforeAll(() => {
    objects = renderOverlay(overlay, kubectl);
  });

  it("validates every object against the Kubernetes and CRD schemas", async () => {
    const problems = (await Promise.all(objects.map(validateObject))).flat();
    expect(problems).toEqual([]);
  });

  it.each(PARTS)("runs %s probed, bounded, non-root and behind a Service, a PDB and an HPA", (part) => {
    const deployment = find("Deployment", part);
    expect(deployment, `Deployment ${part}`).toBeDefined();
    const pod = deployment.spec.template.spec;
    const [container] = containersOf(deployment);
    expect(container?.ports?.[0]?.containerPort).toBe(portOf(part));
    const ready = part === "gateway" ? "/ready" : "/health";
    expect(container?.readinessProbe?.httpGet?.path).toBe(ready);
    expect(container?.livenessProbe?.httpGet ?? container?.livenessProbe?.tcpSocket).toBeDefined();
    expect(container?.startupProbe).toBeDefined();
    for (const bound of ["requests", "limits"])
      for (const resource of ["cpu", "memory"])
        expect(container?.resources?.[bound]?.[resource]).toBeTruthy();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    // The HPA owns the count; a fixed `replicas` would fight it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();

    const labels = deployment.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v) && Object.keys(selector).length > 0;
    const service = find("Service", part);
    expect(selects(service.spec.selector)).toBe(true);
    expect(service.spec.ports[0]).toMatchObject({ port: portOf(part), targetPort: "http" });
    const pdb = find("PodDisruptionBudget", part);
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    const hpa = find("HorizontalPodAutoscaler", part);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: part });
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  });

  it("pins every image to a tag or digest, never :latest", () => {
    const images = objects.flatMap(containersOf).map((c) => c.image);
    expect(images.length).toBeGreaterThanOrEqual(PARTS.length);
    // CloudNativePG's Postgres image is a pinned image too.
    images.push(...objects.filter((o) => o.kind === "Cluster").map((o) => o.spec.imageName as string));
    for (const image of images) {
      const tagged =
        /@sha256:[a-f0-9]{64}$/.test(image) || /:[\w][\w.-]*$/.test(image.split("/").pop() ?? "");
      expect(tagged, `${image} is not pinned`).toBe(true);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it("takes every secret from a Secret, never from an env value or a ConfigMap", () => {
    for (const container of objects.flatMap(containersOf))
      for (const variable of container.env ?? []) {
        if (SECRET_NAME.test(variable.name))
          expect(variable.value, `${container.name} ${variable.name}`).toBeUndefined();
        // A URL with credentials in it is a secret, whatever the variable is called.
        expect(variable.value ?? "", `${container.name} ${variable.name}`).not.toMatch(
          /:\/\/[^/\s]*:[^/\s]*@/,
        );
      }
    for (const map of objects.filter((o) => o.kind === "ConfigMap"))
      for (const [key, value] of Object.entries(map.data ?? {})) {
        expect(key).not.toMatch(SECRET_NAME);
        expect(value).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@/);
      }
    for (const part of PARTS) {
      const env = containersOf(find("Deployment", part))[0]?.env ?? [];
      const fromSecret = (name: string) => env.find((v) => v.name === name)?.valueFrom?.secretKeyRef?.name;
      expect(fromSecret("GATEWAY_SECRET"), `${part} GATEWAY_SECRET`).toMatch(
        generatedOr("tributary-gateway-secret"),
      );
      expect(fromSecret("JWT_SECRET"), `${part} JWT_SECRET`).toMatch(generatedOr("tributary-jwt"));
      if (part !== "gateway") expect(fromSecret("DATABASE_URL"), `${part} DATABASE_URL`).toBeTruthy();
    }
  });

  it("hands the gateway the current supergraph as a ConfigMap, and the subgraph URLs of the Services", () => {
    const map = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("tributary-supergraph-"),
    );
    expect(map?.data?.["supergraph.graphql"]).toBe(supergraph);
    const pod = find("Deployment", "gateway").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "supergraph", configMap: { name: map?.metadata.name } });
    const config = find("ConfigMap", "tributary-config").data ?? {};
    expect(config.SUPERGRAPH_PATH?.startsWith("/etc/tributary/supergraph/")).toBe(true);
    const urls = (config.SUBGRAPH_URLS ?? "").split(",");
    expect(urls).toEqual(SUBGRAPH_NAMES.map((name) => `${name}=http://${name}:${portOf(name)}/graphql`));
  });

  it("creates exactly the topics of events/topics.ts and their .dlq, as KafkaTopics or by the topics Job", () => {
    const kafkaTopics = objects.filter((o) => o.kind === "KafkaTopic");
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name === "kafka-topics");
    expect(kafkaTopics.length > 0 || job !== undefined).toBe(true);
    if (job) {
      // The Job runs the project's own script, whose list is events/topics.ts itself.
      expect(containersOf(job)[0]?.command?.join(" ")).toContain(
        "scripts/ops/topics.ts --ensure --partitions",
      );
    }
    if (kafkaTopics.length > 0) {
      const names = kafkaTopics.map((t) => t.spec.topicName ?? t.metadata.name).sort();
      expect(names).toEqual([...TOPICS_AND_DEAD_LETTERS].sort());
      for (const topic of kafkaTopics) {
        expect(topic.metadata.labels?.["strimzi.io/cluster"]).toBeTruthy();
        expect(topic.spec.replicas).toBeGreaterThanOrEqual(3);
        expect(topic.spec.partitions).toBeGreaterThanOrEqual(3);
        expect(Number(topic.spec.config["min.insync.replicas"])).toBe(topic.spec.replicas - 1);
        expect(Number(topic.spec.config["retention.ms"])).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000);
      }
    }
  });
});

/**
 * The environment a part's container would see: its ConfigMaps, its literal values, and each required
 * Secret key filled with a stand-in of the kind an operator would store (optional keys left out).
 */
function containerEnv(objects: K8sObject[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === source.configMapRef?.name);
    Object.assign(env, map?.data);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef as { key: string; optional?: boolean } | undefined;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref && !ref.optional)
      env[variable.name] = /url|uri/.test(ref.key)
        ? "postgresql://tributary:stand-in@tributary-postgres-rw:5432/tributary"
        : "a-stand-in-secret-of-forty-eight-characters-0123";
  }
  return env;
}

describe.each(overlays)("the %s overlay's environment, parsed by the parts themselves", (overlay) => {
  let objects: K8sObject[];
  const container = (part: string) =>
    containersOf(
      objects.find((o) => o.kind === "Deployment" && o.metadata.name === part) as K8sObject,
    )[0] as Container;
  beforeAll(() => {
    objects = renderOverlay(overlay, kubectl);
  });

  it("starts the gateway's config on its container port, with the supergraph file and every subgraph URL", () => {
    const config = parseConfig(containerEnv(objects, container("gateway")));
    expect(config.port).toBe(DEFAULT_GATEWAY_PORT);
    expect(config.host).toBe("0.0.0.0");
    expect(Object.keys(config.subgraphUrls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
  });

  it.each(SUBGRAPH_NAMES)(
    "starts %s's config on its container port, on its own database, listening on all addresses",
    (name) => {
      const config = parseSubgraphConfig(name, containerEnv(objects, container(name)));
      expect(config.port).toBe(portOf(name));
      expect(config.host).toBe("0.0.0.0");
      expect(new URL(config.databaseUrl ?? "").pathname).toBe(`/${name}`);
    },
  );
});

describe.each(overlays)("the %s overlay's partitions", (overlay) => {
  it("give every topic at least as many partitions as any subgraph may have replicas, so none sits idle", () => {
    const objects = renderOverlay(overlay, kubectl);
    const mostReplicas = Math.max(
      ...SUBGRAPH_NAMES.map(
        (name) =>
          objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === name)?.spec
            .maxReplicas,
      ),
    );
    const kafkaTopics = objects.filter((o) => o.kind === "KafkaTopic");
    const partitions = kafkaTopics.length
      ? Math.min(...kafkaTopics.map((t) => t.spec.partitions as number))
      : Number(
          objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "tributary-config")?.data
            ?.TOPIC_PARTITIONS,
        );
    expect(partitions).toBeGreaterThanOrEqual(mostReplicas);
  });
});

describe("the production overlay's Postgres", () => {
  it("is a CloudNativePG Cluster with one Database per subgraph, read through the Secret it keeps", () => {
    const objects = renderOverlay("production", kubectl);
    const cluster = objects.find((o) => o.kind === "Cluster");
    expect(cluster?.spec.instances).toBeGreaterThanOrEqual(3);
    const databases = objects.filter((o) => o.kind === "Database").map((o) => o.spec.name);
    expect(databases.sort()).toEqual([...SUBGRAPH_NAMES].sort());
    for (const name of SUBGRAPH_NAMES) {
      const env = containersOf(
        objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as K8sObject,
      )[0]?.env;
      expect(env?.[0]).toEqual({
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: `${cluster?.metadata.name}-app`, key: "uri" } },
      });
    }
  });
});

describe("the offline validator", () => {
  const deployment = (port: unknown): K8sObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "broken" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { containers: [{ name: "c", image: "i:1", ports: [{ containerPort: port }] }] },
      },
    },
  });

  it("accepts a valid object and rejects a wrong type, a bad name, an unknown kind and a strict CRD field", async () => {
    expect(await validateObject(deployment(80))).toEqual([]);
    expect((await validateObject(deployment("eighty"))).join()).toContain("containerPort must be integer");
    expect((await validateObject({ ...deployment(80), metadata: { name: "Not_A_Name" } })).join()).toContain(
      "not a valid name",
    );
    expect(
      (await validateObject({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "t" } })).join(),
    ).toContain("no schema");
    const topic = (spec: unknown): K8sObject => ({
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaTopic",
      metadata: { name: "orders.order.placed" },
      spec,
    });
    expect(
      await validateObject(topic({ partitions: 6, replicas: 3, config: { "retention.ms": 1 } })),
    ).toEqual([]);
    expect((await validateObject(topic({ partitions: 0 }))).join()).toContain("must be >= 1");
    expect((await validateObject(topic({ partition: 6 }))).join()).toContain("additional properties");
  });
});

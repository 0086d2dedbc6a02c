#!/usr/bin/env python3
"""one-layer.py - derive a 1-layer image from a lab image's OCI layout, for
bench/sbom.sh: the base layer alone, as an OCI layout (gzip, the blob as is)
and as a docker-archive (the same layer uncompressed).  A 1-layer image has
nothing to inflate ahead, so it shows what the read-ahead costs when it cannot help.

    one-layer.py SRC.oci OUTDIR NAME   ->  OUTDIR/NAME.oci, OUTDIR/NAME.docker.tar
"""
import gzip, hashlib, io, json, os, shutil, sys, tarfile

src, outdir, name = sys.argv[1:4]
blobs = os.path.join(src, "blobs", "sha256")
def blob(d): return os.path.join(blobs, d.split(":", 1)[1])
idx = json.load(open(os.path.join(src, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
layer = man["layers"][0]
cfg["rootfs"]["diff_ids"] = cfg["rootfs"]["diff_ids"][:1]
cfg["history"] = [h for h in cfg.get("history", []) if not h.get("empty_layer")][:1]
cfgb = json.dumps(cfg, sort_keys=True, separators=(",", ":")).encode()
cfgd = "sha256:" + hashlib.sha256(cfgb).hexdigest()
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfgd, "size": len(cfgb)},
       "layers": [layer]}
manb = json.dumps(man, sort_keys=True, separators=(",", ":")).encode()
mand = "sha256:" + hashlib.sha256(manb).hexdigest()

oci = os.path.join(outdir, name + ".oci")
shutil.rmtree(oci, ignore_errors=True)
ob = os.path.join(oci, "blobs", "sha256")
os.makedirs(ob)
for d, b in ((cfgd, cfgb), (mand, manb)):
    open(os.path.join(ob, d[7:]), "wb").write(b)
shutil.copyfile(blob(layer["digest"]), os.path.join(ob, layer["digest"][7:]))
open(os.path.join(oci, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": mand, "size": len(manb),
           "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, open(os.path.join(oci, "index.json"), "w"))

# docker-archive: the layer uncompressed, streamed through a temporary file
tmp = os.path.join(outdir, name + ".layer.tar")
with gzip.open(blob(layer["digest"])) as g, open(tmp, "wb") as f:
    shutil.copyfileobj(g, f, 1 << 20)
ln = cfg["rootfs"]["diff_ids"][0][7:] + "/layer.tar"
dm = json.dumps([{"Config": cfgd[7:] + ".json", "RepoTags": ["bench/" + name + ":latest"], "Layers": [ln]}]).encode()
with tarfile.open(os.path.join(outdir, name + ".docker.tar"), "w", format=tarfile.USTAR_FORMAT) as t:
    for n, b in ((cfgd[7:] + ".json", cfgb), ("manifest.json", dm)):
        ti = tarfile.TarInfo(n); ti.size = len(b); ti.mtime = 0; t.addfile(ti, io.BytesIO(b))
    t.add(tmp, arcname=ln)
os.remove(tmp)

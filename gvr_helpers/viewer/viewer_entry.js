// Source of viewer.bundle.js: a 360° panorama viewer on three.js (MIT).
// Rebuild with build_viewer.sh (esbuild bundles three.js and its VRButton into one
// classic script, because browsers refuse ES-module imports from file:// pages).
import {
  WebGLRenderer, Scene, PerspectiveCamera, SphereGeometry, MeshBasicMaterial, Mesh,
  Texture, SRGBColorSpace, LinearFilter, MathUtils, REVISION,
} from "three";
import { VRButton } from "three/addons/webxr/VRButton.js";

// Convention (same as gvr_helpers.vr): yaw 0 looks at the panorama's centre column,
// positive yaw turns right (towards column 3W/4), positive pitch looks up.
function start({ image, yaw = 0, pitch = 0, fov = 75, container = document.body }) {
  const renderer = new WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  renderer.setSize(window.innerWidth, window.innerHeight);
  renderer.xr.enabled = true;
  container.appendChild(renderer.domElement);

  const scene = new Scene();
  const camera = new PerspectiveCamera(fov, window.innerWidth / window.innerHeight, 0.1, 100);
  camera.rotation.order = "YXZ";

  const texture = new Texture(image);
  texture.colorSpace = SRGBColorSpace;
  texture.minFilter = LinearFilter;
  texture.generateMipmaps = false;
  texture.needsUpdate = true;
  const geometry = new SphereGeometry(10, 128, 64);
  geometry.scale(-1, 1, 1); // look at the inside of the sphere
  const sphere = new Mesh(geometry, new MeshBasicMaterial({ map: texture }));
  sphere.rotation.y = -Math.PI / 2; // puts the image's centre column straight ahead (-Z)
  scene.add(sphere);

  const view = { yaw, pitch, fov };
  function apply() {
    view.pitch = MathUtils.clamp(view.pitch, -89, 89);
    view.fov = MathUtils.clamp(view.fov, 20, 110);
    camera.rotation.y = MathUtils.degToRad(-view.yaw);
    camera.rotation.x = MathUtils.degToRad(view.pitch);
    camera.fov = view.fov;
    camera.updateProjectionMatrix();
  }
  apply();

  let drag = null;
  const canvas = renderer.domElement;
  canvas.style.touchAction = "none";
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, yaw: view.yaw, pitch: view.pitch };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const degPerPixel = view.fov / window.innerHeight;
    view.yaw = drag.yaw - (e.clientX - drag.x) * degPerPixel; // drag the world, like a photo
    view.pitch = drag.pitch + (e.clientY - drag.y) * degPerPixel;
    apply();
  });
  canvas.addEventListener("pointerup", () => { drag = null; });
  canvas.addEventListener("wheel", (e) => { view.fov += e.deltaY * 0.05; apply(); e.preventDefault(); },
                          { passive: false });
  window.addEventListener("resize", () => {
    camera.aspect = window.innerWidth / window.innerHeight;
    renderer.setSize(window.innerWidth, window.innerHeight);
    apply();
  });

  document.body.appendChild(VRButton.createButton(renderer));
  renderer.setAnimationLoop(() => renderer.render(scene, camera));
  window.gvrView = view; // for tests and the console
  return { renderer, scene, camera, view, apply };
}

export { start, REVISION };

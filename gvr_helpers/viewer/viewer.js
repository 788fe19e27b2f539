(function () {
  "use strict";
  var cfg = GVR_VIEWER, PI = Math.PI, RAD = PI / 180;
  var canvas = document.getElementById("view");
  var toggleButton = document.getElementById("toggle"), vrButton = document.getElementById("vr");
  // Everything a test or the console may read; angles in degrees, fov = vertical field of view.
  var viewer = window.viewer = {
    yaw: cfg.yaw, pitch: cfg.pitch, fov: cfg.fov, hfov: cfg.fov,
    showing: "stylized", eye: "left", stereo: cfg.stereo, hasOriginal: cfg.hasOriginal,
    keyStep: cfg.keyStep, zoomStep: cfg.zoomStep, minFov: cfg.fovRange[0], maxFov: cfg.fovRange[1],
    textureWidth: 0, textureHeight: 0, maxTextureSize: 0, webgl: 0, frames: 0,
    ready: false, error: null, xrSupported: false, inVR: false
  };
  function fail(text) {
    viewer.error = text;
    var m = document.getElementById("msg"); m.textContent = text; m.hidden = false;
    document.title = document.title + " (error)";
  }
  function wrap(deg) { deg = ((deg + 180) % 360 + 360) % 360 - 180; return deg === -180 ? 180 : deg; }
  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }

  // ---------------------------------------------------------------- WebGL
  var gl = canvas.getContext("webgl2", {antialias: false, preserveDrawingBuffer: true, xrCompatible: true});
  if (gl) viewer.webgl = 2;
  else {
    gl = canvas.getContext("webgl", {antialias: false, preserveDrawingBuffer: true, xrCompatible: true});
    if (gl) viewer.webgl = 1;
  }
  if (!gl) { fail("This browser has no WebGL: the panorama cannot be shown."); return; }
  viewer.maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE);

  var VERTEX = [
    "attribute vec2 corner; varying vec2 ndc;",
    "void main() { ndc = corner; gl_Position = vec4(corner, 0.0, 1.0); }"].join("\n");
  var VERTEX2 = [
    "#version 300 es",
    "in vec2 corner; out vec2 ndc;",
    "void main() { ndc = corner; gl_Position = vec4(corner, 0.0, 1.0); }"].join("\n");
  // Per pixel: the ray through it (inverse projection, then camera -> world rotation), its
  // longitude/latitude (gvr_helpers.vr's convention: +Y up, yaw 0 looks along -Z, +X right),
  // and the texel there. The gradients of u skip the jump at ±180°, so the seam is no edge.
  var LOOKUP = [
    "uniform mat4 invProj; uniform mat3 rot; uniform sampler2D pano;",
    "const float PI = 3.141592653589793;",
    "vec2 lonlat(vec2 p) {",
    "  vec4 c = invProj * vec4(p, -1.0, 1.0);",
    "  vec3 d = normalize(rot * (c.xyz / c.w));",
    "  return vec2(atan(d.x, -d.z) / (2.0 * PI) + 0.5, 0.5 - asin(clamp(d.y, -1.0, 1.0)) / PI);",
    "}"].join("\n");
  var FRAGMENT = [
    "precision highp float; varying vec2 ndc;", LOOKUP,
    "void main() { gl_FragColor = vec4(texture2D(pano, lonlat(ndc)).rgb, 1.0); }"].join("\n");
  var FRAGMENT2 = [
    "#version 300 es", "precision highp float; in vec2 ndc; out vec4 colour;", LOOKUP,
    "void main() {",
    "  vec2 uv = lonlat(ndc);",
    "  vec2 dx = dFdx(uv), dy = dFdy(uv);",
    "  dx.x -= floor(dx.x + 0.5); dy.x -= floor(dy.x + 0.5);",
    "  colour = vec4(textureGrad(pano, uv, dx, dy).rgb, 1.0);",
    "}"].join("\n");

  function compile(type, source) {
    var s = gl.createShader(type);
    gl.shaderSource(s, source); gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  }
  var program;
  try {
    program = gl.createProgram();
    gl.attachShader(program, compile(gl.VERTEX_SHADER, viewer.webgl === 2 ? VERTEX2 : VERTEX));
    gl.attachShader(program, compile(gl.FRAGMENT_SHADER, viewer.webgl === 2 ? FRAGMENT2 : FRAGMENT));
    gl.bindAttribLocation(program, 0, "corner");
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program));
  } catch (err) { fail("The viewer's shader did not compile: " + err.message); return; }
  gl.useProgram(program);
  var where = {invProj: gl.getUniformLocation(program, "invProj"), rot: gl.getUniformLocation(program, "rot"),
               pano: gl.getUniformLocation(program, "pano")};
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);  // one triangle covers the screen
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.uniform1i(where.pano, 0);

  // 3×3 matrices as row-major arrays; uploaded transposed (GL wants columns).
  function mul3(a, b) {
    var o = [];
    for (var r = 0; r < 3; r++) for (var c = 0; c < 3; c++)
      o.push(a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c]);
    return o;
  }
  function columns3(m) { return new Float32Array([m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]]); }
  function yawMatrix(deg) {  // camera -> world, yaw > 0 turns right (vr._rotate)
    var c = Math.cos(deg * RAD), s = Math.sin(deg * RAD);
    return [c, 0, -s, 0, 1, 0, s, 0, c];
  }
  function pitchMatrix(deg) {  // pitch > 0 looks up
    var c = Math.cos(deg * RAD), s = Math.sin(deg * RAD);
    return [1, 0, 0, 0, c, -s, 0, s, c];
  }
  function quaternionMatrix(q) {
    var x = q.x, y = q.y, z = q.z, w = q.w;
    return [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)];
  }
  function invert4(m) {  // column-major 4×4 inverse
    var inv = new Float32Array(16), a = m;
    inv[0] = a[5]*a[10]*a[15] - a[5]*a[11]*a[14] - a[9]*a[6]*a[15] + a[9]*a[7]*a[14] + a[13]*a[6]*a[11] - a[13]*a[7]*a[10];
    inv[4] = -a[4]*a[10]*a[15] + a[4]*a[11]*a[14] + a[8]*a[6]*a[15] - a[8]*a[7]*a[14] - a[12]*a[6]*a[11] + a[12]*a[7]*a[10];
    inv[8] = a[4]*a[9]*a[15] - a[4]*a[11]*a[13] - a[8]*a[5]*a[15] + a[8]*a[7]*a[13] + a[12]*a[5]*a[11] - a[12]*a[7]*a[9];
    inv[12] = -a[4]*a[9]*a[14] + a[4]*a[10]*a[13] + a[8]*a[5]*a[14] - a[8]*a[6]*a[13] - a[12]*a[5]*a[10] + a[12]*a[6]*a[9];
    inv[1] = -a[1]*a[10]*a[15] + a[1]*a[11]*a[14] + a[9]*a[2]*a[15] - a[9]*a[3]*a[14] - a[13]*a[2]*a[11] + a[13]*a[3]*a[10];
    inv[5] = a[0]*a[10]*a[15] - a[0]*a[11]*a[14] - a[8]*a[2]*a[15] + a[8]*a[3]*a[14] + a[12]*a[2]*a[11] - a[12]*a[3]*a[10];
    inv[9] = -a[0]*a[9]*a[15] + a[0]*a[11]*a[13] + a[8]*a[1]*a[15] - a[8]*a[3]*a[13] - a[12]*a[1]*a[11] + a[12]*a[3]*a[9];
    inv[13] = a[0]*a[9]*a[14] - a[0]*a[10]*a[13] - a[8]*a[1]*a[14] + a[8]*a[2]*a[13] + a[12]*a[1]*a[10] - a[12]*a[2]*a[9];
    inv[2] = a[1]*a[6]*a[15] - a[1]*a[7]*a[14] - a[5]*a[2]*a[15] + a[5]*a[3]*a[14] + a[13]*a[2]*a[7] - a[13]*a[3]*a[6];
    inv[6] = -a[0]*a[6]*a[15] + a[0]*a[7]*a[14] + a[4]*a[2]*a[15] - a[4]*a[3]*a[14] - a[12]*a[2]*a[7] + a[12]*a[3]*a[6];
    inv[10] = a[0]*a[5]*a[15] - a[0]*a[7]*a[13] - a[4]*a[1]*a[15] + a[4]*a[3]*a[13] + a[12]*a[1]*a[7] - a[12]*a[3]*a[5];
    inv[14] = -a[0]*a[5]*a[14] + a[0]*a[6]*a[13] + a[4]*a[1]*a[14] - a[4]*a[2]*a[13] - a[12]*a[1]*a[6] + a[12]*a[2]*a[5];
    inv[3] = -a[1]*a[6]*a[11] + a[1]*a[7]*a[10] + a[5]*a[2]*a[11] - a[5]*a[3]*a[10] - a[9]*a[2]*a[7] + a[9]*a[3]*a[6];
    inv[7] = a[0]*a[6]*a[11] - a[0]*a[7]*a[10] - a[4]*a[2]*a[11] + a[4]*a[3]*a[10] + a[8]*a[2]*a[7] - a[8]*a[3]*a[6];
    inv[11] = -a[0]*a[5]*a[11] + a[0]*a[7]*a[9] + a[4]*a[1]*a[11] - a[4]*a[3]*a[9] - a[8]*a[1]*a[7] + a[8]*a[3]*a[5];
    inv[15] = a[0]*a[5]*a[10] - a[0]*a[6]*a[9] - a[4]*a[1]*a[10] + a[4]*a[2]*a[9] + a[8]*a[1]*a[6] - a[8]*a[2]*a[5];
    var det = a[0] * inv[0] + a[1] * inv[4] + a[2] * inv[8] + a[3] * inv[12];
    for (var i = 0; i < 16; i++) inv[i] /= det;
    return inv;
  }
  function pinholeInverse(fovDeg, aspect) {  // clip -> camera ray of a pinhole, vertical fov
    var ty = Math.tan(fovDeg * RAD / 2), tx = ty * aspect;
    return new Float32Array([tx, 0, 0, 0, 0, ty, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1]);
  }

  // ---------------------------------------------------------------- textures
  var textures = {};  // textures[showing][eye]
  function upload(img) {
    var source = img, limit = viewer.maxTextureSize;
    if (img.naturalWidth > limit || img.naturalHeight > limit) {  // a GPU that cannot hold it: scale to fit
      var scale = limit / Math.max(img.naturalWidth, img.naturalHeight);
      source = document.createElement("canvas");
      source.width = Math.floor(img.naturalWidth * scale); source.height = Math.floor(img.naturalHeight * scale);
      source.getContext("2d").drawImage(img, 0, 0, source.width, source.height);
      console.warn("panorama scaled to " + source.width + "×" + source.height + " (MAX_TEXTURE_SIZE " + limit + ")");
    }
    var tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);  // the pixels as written, no colour management
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source);
    var w = source.width || source.naturalWidth, h = source.height || source.naturalHeight;
    var pot = (w & (w - 1)) === 0 && (h & (h - 1)) === 0;
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    if (viewer.webgl === 2) {  // mipmaps against shimmer when zoomed out; longitude wraps around
      gl.generateMipmap(gl.TEXTURE_2D);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.REPEAT);
    } else {
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, pot ? gl.REPEAT : gl.CLAMP_TO_EDGE);
    }
    viewer.textureWidth = w; viewer.textureHeight = h;
    return tex;
  }
  function load(src) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { reject(new Error("could not load " + src.slice(0, 40))); };
      img.src = src;
    });
  }
  function texture(eye) {
    var set = textures[viewer.showing];
    return (eye === "right" && set.right) || set.left;
  }

  // ---------------------------------------------------------------- drawing
  var pending = false, session = null;
  function drawView(tex, invProj, rot) {
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.uniformMatrix4fv(where.invProj, false, invProj);
    gl.uniformMatrix3fv(where.rot, false, columns3(rot));
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  }
  function draw() {
    pending = false;
    if (session) return;  // the headset's loop draws
    var dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, w, h);
    var aspect = w / h;
    viewer.hfov = 2 * Math.atan(Math.tan(viewer.fov * RAD / 2) * aspect) / RAD;
    drawView(texture(viewer.eye), pinholeInverse(viewer.fov, aspect), mul3(yawMatrix(viewer.yaw), pitchMatrix(viewer.pitch)));
    viewer.frames += 1;
  }
  function redraw() { if (!pending && viewer.ready) { pending = true; requestAnimationFrame(draw); } }

  // ---------------------------------------------------------------- controls
  function setView(v) {
    if (v.yaw !== undefined) viewer.yaw = wrap(+v.yaw);
    if (v.pitch !== undefined) viewer.pitch = clamp(+v.pitch, -89, 89);
    if (v.fov !== undefined) viewer.fov = clamp(+v.fov, viewer.minFov, viewer.maxFov);
    redraw();
  }
  // Degrees per screen pixel at the centre of the view: a drag moves the world with the pointer.
  function degreesPerPixel() { return 2 * Math.tan(viewer.fov * RAD / 2) / canvas.clientHeight / RAD; }
  function toggle() {
    if (!viewer.hasOriginal) return;
    viewer.showing = viewer.showing === "stylized" ? "original" : "stylized";
    toggleButton.textContent = viewer.showing === "stylized" ? "Show original (t)" : "Show stylized (t)";
    redraw();
  }
  function switchEye() {
    if (!viewer.stereo) return;
    viewer.eye = viewer.eye === "left" ? "right" : "left";
    redraw();
  }
  viewer.setView = setView; viewer.toggle = toggle; viewer.switchEye = switchEye;
  viewer.degreesPerPixel = degreesPerPixel; viewer.redraw = redraw;

  var pointers = {}, gesture = null;
  function pointerList() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
  function startGesture() {
    var p = pointerList();
    if (p.length === 1) gesture = {kind: "drag", x: p[0].x, y: p[0].y, yaw: viewer.yaw, pitch: viewer.pitch};
    else if (p.length >= 2) gesture = {kind: "pinch", d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) || 1, fov: viewer.fov};
    else gesture = null;
  }
  canvas.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = {x: e.clientX, y: e.clientY};
    try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic pointers */ }
    canvas.focus();
    startGesture();
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!pointers[e.pointerId] || !gesture) return;
    pointers[e.pointerId] = {x: e.clientX, y: e.clientY};
    var p = pointerList();
    if (gesture.kind === "drag") {
      var k = degreesPerPixel();
      setView({yaw: gesture.yaw - (p[0].x - gesture.x) * k, pitch: gesture.pitch + (p[0].y - gesture.y) * k});
    } else if (p.length >= 2) {
      setView({fov: gesture.fov * gesture.d / (Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) || 1)});
    }
  });
  function release(e) { delete pointers[e.pointerId]; startGesture(); }
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);
  canvas.addEventListener("wheel", function (e) {
    setView({fov: viewer.fov * Math.exp(e.deltaY * 0.001)});
    e.preventDefault();
  }, {passive: false});
  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var s = viewer.keyStep, used = true;
    switch (e.key) {
      case "ArrowLeft": setView({yaw: viewer.yaw - s}); break;
      case "ArrowRight": setView({yaw: viewer.yaw + s}); break;
      case "ArrowUp": setView({pitch: viewer.pitch + s}); break;
      case "ArrowDown": setView({pitch: viewer.pitch - s}); break;
      case "+": case "=": setView({fov: viewer.fov / viewer.zoomStep}); break;
      case "-": case "_": setView({fov: viewer.fov * viewer.zoomStep}); break;
      case "t": case "T": toggle(); break;
      case "e": case "E": switchEye(); break;
      case "h": case "H": document.body.classList.toggle("clean"); break;
      default: used = false;
    }
    if (used) e.preventDefault();
  });
  window.addEventListener("resize", redraw);
  toggleButton.addEventListener("click", function () { toggle(); canvas.focus(); });

  // ---------------------------------------------------------------- WebXR: each eye its own view (and panorama)
  function enterVR() {
    navigator.xr.requestSession("immersive-vr").then(function (s) {
      session = s; viewer.inVR = true; vrButton.textContent = "Exit VR";
      s.addEventListener("end", vrEnded);  // Exit VR, or the headset taken off: back to the page's view
      var ready = gl.makeXRCompatible ? gl.makeXRCompatible() : Promise.resolve();
      return ready.then(function () {
        s.updateRenderState({baseLayer: new XRWebGLLayer(s, gl)});
        return s.requestReferenceSpace("local");
      }).then(function (space) {
        var heading = yawMatrix(viewer.yaw);  // start facing where the page looked
        s.addEventListener("select", toggle);  // a controller's trigger swaps original and stylized
        s.requestAnimationFrame(function frame(time, xrFrame) {
          s.requestAnimationFrame(frame);
          var pose = xrFrame.getViewerPose(space);
          if (!pose) return;
          var layer = s.renderState.baseLayer;
          gl.bindFramebuffer(gl.FRAMEBUFFER, layer.framebuffer);
          for (var i = 0; i < pose.views.length; i++) {
            var view = pose.views[i], vp = layer.getViewport(view);
            gl.viewport(vp.x, vp.y, vp.width, vp.height);
            drawView(texture(view.eye), invert4(view.projectionMatrix),
                     mul3(heading, quaternionMatrix(view.transform.orientation)));
          }
        });
      });
    }).catch(function (err) { fail("Could not enter VR: " + err.message); });
  }
  function endVR() { if (session) session.end(); }
  if (navigator.xr && navigator.xr.isSessionSupported) {
    navigator.xr.isSessionSupported("immersive-vr").then(function (ok) {
      viewer.xrSupported = !!ok;
      if (!ok) return;
      vrButton.disabled = false; vrButton.textContent = "Enter VR";
      vrButton.addEventListener("click", function () { if (session) endVR(); else enterVR(); });
    }).catch(function () { /* no headset: the button stays disabled */ });
  }
  function vrEnded() {
    session = null; viewer.inVR = false; vrButton.textContent = "Enter VR"; redraw();
  }
  viewer.enterVR = enterVR; viewer.exitVR = endVR;

  // ---------------------------------------------------------------- start
  var names = [];
  Object.keys(cfg.textures).forEach(function (showing) {
    Object.keys(cfg.textures[showing]).forEach(function (eye) { names.push([showing, eye]); });
  });
  Promise.all(names.map(function (n) { return load(cfg.textures[n[0]][n[1]]); })).then(function (images) {
    try {
      images.forEach(function (img, i) {
        var n = names[i];
        (textures[n[0]] = textures[n[0]] || {})[n[1]] = upload(img);
      });
    } catch (err) {  // a texture from a file:// page's sibling file is cross-origin for WebGL
      fail("The browser refused the panorama as a WebGL texture (" + err.message + "). Export with " +
           "embed=True, or serve this folder over http (python -m http.server).");
      return;
    }
    if (viewer.hasOriginal) toggleButton.hidden = false;
    viewer.ready = true;
    draw();
    document.title = document.title + " (ready)";
  }).catch(function (err) { fail("Could not load the panorama: " + err.message); });
})();

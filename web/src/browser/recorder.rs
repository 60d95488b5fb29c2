//! Animation recording: SVG frames rasterised onto an offscreen `<canvas>` and encoded as WebM by
//! `MediaRecorder` from `canvas.captureStream(0)`, one `requestFrame()` per frame, so the video
//! holds exactly the frames the caller paints, at the wall-clock pace the caller keeps.
//!
//! A browser without `MediaRecorder` or WebM gets [`webm_type`]'s sentence, never a panic.

use super::{document, download_blob, text_blob, window};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

/// Where the last finished recording is kept (`{name, size, blob}`), for tests and the console.
const LAST_KEY: &str = "__fpaxos_last_animation";

/// Video bitrate asked of the encoder (the frames are flat colours and thin lines; the default
/// blurs the diagram's small text).
const VIDEO_BITS_PER_S: u32 = 6_000_000;

/// The WebM type this browser's `MediaRecorder` encodes, or a sentence saying it cannot.
pub(crate) fn webm_type() -> Result<&'static str, &'static str> {
    let has = window()
        .map(|w| js_sys::Reflect::has(&w, &JsValue::from_str("MediaRecorder")).unwrap_or(false))
        .unwrap_or(false);
    if has {
        for t in [
            "video/webm;codecs=vp9",
            "video/webm;codecs=vp8",
            "video/webm",
        ] {
            if web_sys::MediaRecorder::is_type_supported(t) {
                return Ok(t);
            }
        }
    }
    Err(
        "This browser cannot record WebM video (no MediaRecorder with WebM support); \
         export SVG or PNG figures instead.",
    )
}

/// One rasterised frame, ready to be shown.
pub(crate) struct Frame(pub(super) HtmlImageElement);

/// A frame's callback, called once by whichever of `load` and `error` fires.
type Ready = Rc<RefCell<Option<Box<dyn FnOnce(Option<Frame>)>>>>;

/// Rasterises an SVG document (in the background: the image decodes asynchronously) and calls
/// `ready` with the frame, or with `None` when the browser could not decode it.
pub(crate) fn load_svg(svg: &str, ready: impl FnOnce(Option<Frame>) + 'static) {
    let ready: Ready = Rc::new(RefCell::new(Some(Box::new(ready))));
    let call = move |ready: &Ready, f| {
        if let Some(r) = ready.borrow_mut().take() {
            r(f);
        }
    };
    let (Some(blob), Ok(img)) = (text_blob(svg, "image/svg+xml"), HtmlImageElement::new()) else {
        call(&ready, None);
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        call(&ready, None);
        return;
    };
    let onload = {
        let (ready, img, url) = (ready.clone(), img.clone(), url.clone());
        Closure::once(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
            call(&ready, Some(Frame(img)));
        })
    };
    let onerror = {
        let (ready, url) = (ready.clone(), url.clone());
        Closure::once(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
            call(&ready, None);
        })
    };
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    img.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onload.forget();
    onerror.forget();
    img.set_src(&url);
}

/// A recording in progress: the offscreen canvas, its captured track and the recorder.
pub(crate) struct Recorder {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    track: web_sys::CanvasCaptureMediaStreamTrack,
    rec: web_sys::MediaRecorder,
    chunks: Rc<RefCell<Vec<web_sys::Blob>>>,
    mime: &'static str,
    _ondata: Closure<dyn FnMut(web_sys::BlobEvent)>,
}

impl Recorder {
    /// Starts recording a `w`×`h` canvas (even sizes: some encoders refuse odd ones). `None`
    /// when the browser refuses any step.
    pub(crate) fn start(w: u32, h: u32) -> Option<Recorder> {
        let mime = webm_type().ok()?;
        let canvas: HtmlCanvasElement =
            document()?.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width((w + 1) & !1);
        canvas.set_height((h + 1) & !1);
        let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        // Frame rate 0: a frame is captured only when `requestFrame` asks.
        let stream = canvas.capture_stream_with_frame_request_rate(0.0).ok()?;
        let track = stream.get_video_tracks().get(0).dyn_into().ok()?;
        let opts = web_sys::MediaRecorderOptions::new();
        opts.set_mime_type(mime);
        // Sharp text on a projector: well above the browser's default bitrate.
        opts.set_video_bits_per_second(VIDEO_BITS_PER_S);
        let rec = web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(
            &stream, &opts,
        )
        .ok()?;
        let chunks = Rc::new(RefCell::new(Vec::new()));
        let ondata = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |e: web_sys::BlobEvent| {
                if let Some(b) = e.data() {
                    chunks.borrow_mut().push(b);
                }
            })
        };
        rec.set_ondataavailable(Some(ondata.as_ref().unchecked_ref()));
        rec.start().ok()?;
        Some(Recorder {
            canvas,
            ctx,
            track,
            rec,
            chunks,
            mime,
            _ondata: ondata,
        })
    }

    /// Paints `frame` over the whole canvas and hands it to the recorder as the next frame.
    pub(crate) fn show(&self, frame: &Frame) {
        let (w, h) = (self.canvas.width() as f64, self.canvas.height() as f64);
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(0.0, 0.0, w, h);
        let _ = self
            .ctx
            .draw_image_with_html_image_element_and_dw_and_dh(&frame.0, 0.0, 0.0, w, h);
        self.track.request_frame();
    }

    /// Stops, downloads the video as `name` and keeps it on `window.__fpaxos_last_animation`;
    /// `done` gets its size in bytes (`None`: the recorder produced nothing).
    pub(crate) fn finish(self, name: String, done: impl FnOnce(Option<f64>) + 'static) {
        let Recorder {
            rec,
            chunks,
            mime,
            _ondata,
            ..
        } = self;
        if rec.state() == web_sys::RecordingState::Inactive {
            done(None);
            return;
        }
        let onstop = Closure::once(move || {
            // The data handler must outlive the recorder's last `dataavailable`.
            drop(_ondata);
            let parts = js_sys::Array::new();
            for c in chunks.borrow().iter() {
                parts.push(c);
            }
            let opts = web_sys::BlobPropertyBag::new();
            opts.set_type(mime.split(';').next().unwrap_or("video/webm"));
            let blob = web_sys::Blob::new_with_blob_sequence_and_options(&parts, &opts).ok();
            let Some(blob) = blob.filter(|b| b.size() > 0.0) else {
                done(None);
                return;
            };
            if let Some(w) = window() {
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&o, &"name".into(), &name.as_str().into());
                let _ = js_sys::Reflect::set(&o, &"size".into(), &blob.size().into());
                let _ = js_sys::Reflect::set(&o, &"blob".into(), &blob);
                let _ = js_sys::Reflect::set(&w, &LAST_KEY.into(), &o);
            }
            download_blob(&name, &blob);
            done(Some(blob.size()));
        });
        rec.set_onstop(Some(onstop.as_ref().unchecked_ref()));
        onstop.forget();
        let _ = rec.stop();
    }

    /// Stops and throws the recording away.
    pub(crate) fn cancel(self) {
        self.rec.set_ondataavailable(None);
        let _ = self.rec.stop();
    }
}

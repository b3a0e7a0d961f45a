function a(){throw new Error("HLS playback is not available in this build")}export{a as attach};

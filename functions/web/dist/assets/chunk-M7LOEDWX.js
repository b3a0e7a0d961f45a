import{b as O,l as w,o as U,q as _}from"./chunk-CVQZT437.js";import{C,D as P,E as j,b as l,c as g,d as T,e as i,p as o,u as R,x as F,y as M}from"./chunk-ZMGGJUSE.js";function re({courseId:t,itemId:s,kind:u}){let[n,x]=l(null),[c,k]=l(null),[b,y]=l(0);g(()=>{u==="video"&&import("./chunk-T4GTRLWB.js").catch(()=>{})},[]),g(()=>{let p=!0;return w(`/v1/courses/${_(t)}/items/${_(s)}/content`).then($=>{p&&(x($),k(null),$.kind==="text"&&q(t,s,{completed:!0}))}).catch($=>p&&k($)),()=>{p=!1}},[t,s,b]);let v=i`<p><a href=${O(["courses",t])}>${o("learn.back")}</a></p>`;return c?i`${v}<${C} text=${o("error."+c.code)} /><${M} error=${c} />`:n?i`${v}
    <article class="learn">
      <${C} text=${n.title} />
      ${n.kind==="text"&&i`<div class="prose">${n.body}</div>`}
      ${n.kind==="video"&&i`<${V} content=${n} onExpired=${()=>y(p=>p+1)} />`}
      ${n.kind==="file"&&i`<p><a class="button" href=${n.url} download=${n.file_name} onClick=${()=>q(t,s,{completed:!0})}>${o("learn.download",{name:n.file_name||n.title})}</a></p>
        <p class="hint">${o("learn.expires",{time:R(n.expires_at)})}</p>`}
    </article>`:i`${v}<${j} />`}var z=(t,s)=>`/v1/courses/${_(t)}/items/${_(s)}/progress`;function q(t,s,u){return U(z(t,s),{...u,client_time:new Date().toISOString()}).catch(()=>null)}function V({content:t,onExpired:s}){let u=T(),n=T(null),[x,c]=l(!1),[k,b]=l([]),[y,v]=l([]),[p,$]=l(-1),[B,G]=l(-1),[A,H]=l(null),[D,E]=l(""),f=t.stream&&t.stream.status==="ready"&&t.stream.master_url?t.stream:null,S=f?f.master_url:t.url;g(()=>{let e=u.current,r=!0,a=0,d=()=>{a>0&&e.duration&&a<e.duration-1&&e.currentTime<.5&&(e.currentTime=a,H(a))};return w(z(t.course_id,t.item_id)).then(m=>{!r||!m||m.completed||(a=m.position_seconds||0,e.readyState>=1&&d())}).catch(()=>{}),e.addEventListener("loadedmetadata",d),()=>{r=!1,e.removeEventListener("loadedmetadata",d)}},[t.item_id]),g(()=>{let e=u.current,r=-1,a=()=>{if(!e.duration||!isFinite(e.duration))return;let h=Math.min(e.currentTime,e.duration);Math.abs(h-r)<.25||(r=h,q(t.course_id,t.item_id,{position_seconds:h,duration_seconds:e.duration}))},d=setInterval(()=>!e.paused&&a(),1e4),m=()=>document.visibilityState==="hidden"&&a();return e.addEventListener("pause",a),e.addEventListener("seeked",a),e.addEventListener("ended",a),document.addEventListener("visibilitychange",m),()=>{a(),clearInterval(d),e.removeEventListener("pause",a),e.removeEventListener("seeked",a),e.removeEventListener("ended",a),document.removeEventListener("visibilitychange",m)}},[t.item_id]);let N=T(0);g(()=>{let e=u.current,r=!0;c(!1),b([]),v([]);let a=N.current,d=()=>a>0&&(e.currentTime=a);a>0&&e.addEventListener("loadedmetadata",d,{once:!0});let m=()=>{E("native"),e.src=S};return f?import("./chunk-T4GTRLWB.js").then(h=>{if(r){if(!h.supported()){if(e.canPlayType("application/vnd.apple.mpegurl"))return m();E("mp4"),e.src=t.url;return}E("hls"),n.current=h.attach(e,S,{onLevels:L=>r&&b(L),onTracks:L=>r&&v(L),onFatal:L=>{r&&(L==="expired"&&s?s():c(!0))},withCredentials:new URL(S,location.href).origin!==location.origin})}}).catch(()=>r&&c(!0)):(E("mp4"),e.src=t.url),()=>{r=!1,N.current=e.currentTime,e.removeEventListener("loadedmetadata",d),n.current&&n.current.destroy(),n.current=null,e.removeAttribute("src"),e.load()}},[t]);let J=()=>{D!=="hls"&&(t.expires_at&&Date.parse(t.expires_at)<Date.now()&&s?s():c(!0))},K=e=>{let r=Number(e.currentTarget.value);$(r),n.current&&n.current.setLevel(r)},Q=e=>{let r=Number(e.currentTarget.value);G(r),n.current&&n.current.setTrack(r)};return i`<figure class="player">
    <video ref=${u} controls preload="metadata" playsinline poster=${f&&f.poster_url?f.poster_url:void 0}
      aria-label=${o("learn.player")} onError=${J} data-testid="video" data-mode=${D}></video>
    <figcaption>
      <div class="player-controls">
        <label>${o("learn.quality")} <select id="pl-quality" value=${p} onChange=${K} disabled=${k.length<2}>
          <option value="-1">${o("learn.quality.auto")}</option>
          ${k.map((e,r)=>i`<option value=${r}>${e.height?e.height+"p":o("learn.quality.audio")}</option>`)}
        </select></label>
        <label>${o("learn.captions")} <select id="pl-captions" value=${B} onChange=${Q} disabled=${y.length===0}>
          <option value="-1">${o("learn.captions.off")}</option>
          ${y.map((e,r)=>i`<option value=${r} lang=${e.lang||void 0}>${F(e.lang)||e.name}</option>`)}
        </select></label>
      </div>
      ${A!==null&&i`<${P}>${o("learn.resumed",{time:W(A)})}</${P}>`}
      ${!f&&t.stream&&t.stream.status==="processing"&&i`<p class="hint">${o("learn.streamProcessing")}</p>`}
    </figcaption>
    ${x&&i`<${M} message=${o("learn.mediaError")} />`}
  </figure>`}function W(t){let s=Math.floor(t);return Math.floor(s/60)+":"+String(s%60).padStart(2,"0")}export{re as Learn,V as Player,W as clock};

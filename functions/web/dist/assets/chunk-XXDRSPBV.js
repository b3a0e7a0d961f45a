import{H as S,K as O,M as _,N as w,R as M,S as C,T as U,b as l,c as L,d as T,e as i,n as o,s as N,v as R,x as F}from"./chunk-NTJHWW7K.js";function re({courseId:t,itemId:s}){let[n,u]=l(null),[g,p]=l(null),[b,y]=l(0);L(()=>{let c=!0;return S(`/v1/courses/${_(t)}/items/${_(s)}/content`).then($=>{c&&(u($),p(null),$.kind==="text"&&P(t,s,{completed:!0}))}).catch($=>c&&p($)),()=>{c=!1}},[t,s,b]);let v=i`<p><a href=${F(["courses",t])}>${o("learn.back")}</a></p>`;return g?i`${v}<${M} text=${o("error."+g.code)} /><${w} error=${g} />`:n?i`${v}
    <article class="learn">
      <${M} text=${n.title} />
      ${n.kind==="text"&&i`<div class="prose">${n.body}</div>`}
      ${n.kind==="video"&&i`<${V} content=${n} onExpired=${()=>y(c=>c+1)} />`}
      ${n.kind==="file"&&i`<p><a class="button" href=${n.url} download=${n.file_name} onClick=${()=>P(t,s,{completed:!0})}>${o("learn.download",{name:n.file_name||n.title})}</a></p>
        <p class="hint">${o("learn.expires",{time:N(n.expires_at)})}</p>`}
    </article>`:i`${v}<${U} />`}var j=(t,s)=>`/v1/courses/${_(t)}/items/${_(s)}/progress`;function P(t,s,n){return O(j(t,s),{...n,client_time:new Date().toISOString()}).catch(()=>null)}function V({content:t,onExpired:s}){let n=T(),u=T(null),[g,p]=l(!1),[b,y]=l([]),[v,c]=l([]),[$,z]=l(-1),[B,G]=l(-1),[q,H]=l(null),[A,E]=l(""),f=t.stream&&t.stream.status==="ready"&&t.stream.master_url?t.stream:null,x=f?f.master_url:t.url;L(()=>{let e=n.current,r=!0,a=0,d=()=>{a>0&&e.duration&&a<e.duration-1&&e.currentTime<.5&&(e.currentTime=a,H(a))};return S(j(t.course_id,t.item_id)).then(m=>{!r||!m||m.completed||(a=m.position_seconds||0,e.readyState>=1&&d())}).catch(()=>{}),e.addEventListener("loadedmetadata",d),()=>{r=!1,e.removeEventListener("loadedmetadata",d)}},[t.item_id]),L(()=>{let e=n.current,r=-1,a=()=>{if(!e.duration||!isFinite(e.duration))return;let h=Math.min(e.currentTime,e.duration);Math.abs(h-r)<.25||(r=h,P(t.course_id,t.item_id,{position_seconds:h,duration_seconds:e.duration}))},d=setInterval(()=>!e.paused&&a(),1e4),m=()=>document.visibilityState==="hidden"&&a();return e.addEventListener("pause",a),e.addEventListener("seeked",a),e.addEventListener("ended",a),document.addEventListener("visibilitychange",m),()=>{a(),clearInterval(d),e.removeEventListener("pause",a),e.removeEventListener("seeked",a),e.removeEventListener("ended",a),document.removeEventListener("visibilitychange",m)}},[t.item_id]);let D=T(0);L(()=>{let e=n.current,r=!0;p(!1),y([]),c([]);let a=D.current,d=()=>a>0&&(e.currentTime=a);a>0&&e.addEventListener("loadedmetadata",d,{once:!0});let m=()=>{E("native"),e.src=x};return f?import("./chunk-T4GTRLWB.js").then(h=>{if(r){if(!h.supported()){if(e.canPlayType("application/vnd.apple.mpegurl"))return m();E("mp4"),e.src=t.url;return}E("hls"),u.current=h.attach(e,x,{onLevels:k=>r&&y(k),onTracks:k=>r&&c(k),onFatal:k=>{r&&(k==="expired"&&s?s():p(!0))},withCredentials:new URL(x,location.href).origin!==location.origin})}}).catch(()=>r&&p(!0)):(E("mp4"),e.src=t.url),()=>{r=!1,D.current=e.currentTime,e.removeEventListener("loadedmetadata",d),u.current&&u.current.destroy(),u.current=null,e.removeAttribute("src"),e.load()}},[t]);let J=()=>{A!=="hls"&&(t.expires_at&&Date.parse(t.expires_at)<Date.now()&&s?s():p(!0))},K=e=>{let r=Number(e.currentTarget.value);z(r),u.current&&u.current.setLevel(r)},Q=e=>{let r=Number(e.currentTarget.value);G(r),u.current&&u.current.setTrack(r)};return i`<figure class="player">
    <video ref=${n} controls preload="metadata" playsinline poster=${f&&f.poster_url?f.poster_url:void 0}
      aria-label=${o("learn.player")} onError=${J} data-testid="video" data-mode=${A}></video>
    <figcaption>
      <div class="player-controls">
        <label>${o("learn.quality")} <select id="pl-quality" value=${$} onChange=${K} disabled=${b.length<2}>
          <option value="-1">${o("learn.quality.auto")}</option>
          ${b.map((e,r)=>i`<option value=${r}>${e.height?e.height+"p":o("learn.quality.audio")}</option>`)}
        </select></label>
        <label>${o("learn.captions")} <select id="pl-captions" value=${B} onChange=${Q} disabled=${v.length===0}>
          <option value="-1">${o("learn.captions.off")}</option>
          ${v.map((e,r)=>i`<option value=${r} lang=${e.lang||void 0}>${R(e.lang)||e.name}</option>`)}
        </select></label>
      </div>
      ${q!==null&&i`<${C}>${o("learn.resumed",{time:W(q)})}</${C}>`}
      ${!f&&t.stream&&t.stream.status==="processing"&&i`<p class="hint">${o("learn.streamProcessing")}</p>`}
    </figcaption>
    ${g&&i`<${w} message=${o("learn.mediaError")} />`}
  </figure>`}function W(t){let s=Math.floor(t);return Math.floor(s/60)+":"+String(s%60).padStart(2,"0")}export{re as Learn,V as Player,W as clock};

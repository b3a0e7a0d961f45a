import{H as x,K as A,M as k,N as S,R as w,S as M,T as F,b as u,c as g,d as T,e as i,n as o,s as D,v as N,x as R}from"./chunk-7X2SHAUD.js";function ee({courseId:t,itemId:s}){let[n,c]=u(null),[h,m]=u(null),[_,b]=u(0);g(()=>{let d=!0;return x(`/v1/courses/${k(t)}/items/${k(s)}/content`).then(v=>{d&&(c(v),m(null),v.kind==="text"&&C(t,s,{completed:!0}))}).catch(v=>d&&m(v)),()=>{d=!1}},[t,s,_]);let f=i`<p><a href=${R(["courses",t])}>${o("learn.back")}</a></p>`;return h?i`${f}<${w} text=${o("error."+h.code)} /><${S} error=${h} />`:n?i`${f}
    <article class="learn">
      <${w} text=${n.title} />
      ${n.kind==="text"&&i`<div class="prose">${n.body}</div>`}
      ${n.kind==="video"&&i`<${K} content=${n} onExpired=${()=>b(d=>d+1)} />`}
      ${n.kind==="file"&&i`<p><a class="button" href=${n.url} download=${n.file_name} onClick=${()=>C(t,s,{completed:!0})}>${o("learn.download",{name:n.file_name||n.title})}</a></p>
        <p class="hint">${o("learn.expires",{time:D(n.expires_at)})}</p>`}
    </article>`:i`${f}<${F} />`}var O=(t,s)=>`/v1/courses/${k(t)}/items/${k(s)}/progress`;function C(t,s,n){return A(O(t,s),{...n,client_time:new Date().toISOString()}).catch(()=>null)}function K({content:t,onExpired:s}){let n=T(),c=T(null),[h,m]=u(!1),[_,b]=u([]),[f,d]=u([]),[v,U]=u(-1),[j,z]=u(-1),[P,B]=u(null),[q,y]=u(""),$=t.stream&&t.stream.status==="ready"&&t.stream.master_url?t.stream:null,L=$?$.master_url:t.url;g(()=>{let e=n.current,r=!0,a=0,p=()=>{a>0&&e.duration&&a<e.duration-1&&e.currentTime<.5&&(e.currentTime=a,B(a))};return x(O(t.course_id,t.item_id)).then(l=>{!r||!l||l.completed||(a=l.position_seconds||0,e.readyState>=1&&p())}).catch(()=>{}),e.addEventListener("loadedmetadata",p),()=>{r=!1,e.removeEventListener("loadedmetadata",p)}},[t.item_id]),g(()=>{let e=n.current,r=-1,a=()=>{if(!e.duration||!isFinite(e.duration))return;let E=Math.min(e.currentTime,e.duration);Math.abs(E-r)<.25||(r=E,C(t.course_id,t.item_id,{position_seconds:E,duration_seconds:e.duration}))},p=setInterval(()=>!e.paused&&a(),1e4),l=()=>document.visibilityState==="hidden"&&a();return e.addEventListener("pause",a),e.addEventListener("seeked",a),e.addEventListener("ended",a),document.addEventListener("visibilitychange",l),()=>{a(),clearInterval(p),e.removeEventListener("pause",a),e.removeEventListener("seeked",a),e.removeEventListener("ended",a),document.removeEventListener("visibilitychange",l)}},[t.item_id]),g(()=>{let e=n.current,r=!0;m(!1),b([]),d([]);let a=()=>{y("native"),e.src=L};return $?import("./chunk-T4GTRLWB.js").then(p=>{if(r){if(!p.supported()){if(e.canPlayType("application/vnd.apple.mpegurl"))return a();y("mp4"),e.src=t.url;return}y("hls"),c.current=p.attach(e,L,{onLevels:l=>r&&b(l),onTracks:l=>r&&d(l),onFatal:l=>{r&&(l==="expired"&&s?s():m(!0))},withCredentials:new URL(L,location.href).origin!==location.origin})}}).catch(()=>r&&m(!0)):(y("mp4"),e.src=t.url),()=>{r=!1,c.current&&c.current.destroy(),c.current=null,e.removeAttribute("src"),e.load()}},[L]);let G=()=>{q!=="hls"&&(t.expires_at&&Date.parse(t.expires_at)<Date.now()&&s?s():m(!0))},H=e=>{let r=Number(e.currentTarget.value);U(r),c.current&&c.current.setLevel(r)},J=e=>{let r=Number(e.currentTarget.value);z(r),c.current&&c.current.setTrack(r)};return i`<figure class="player">
    <video ref=${n} controls preload="metadata" playsinline poster=${$&&$.poster_url?$.poster_url:void 0}
      aria-label=${o("learn.player")} onError=${G} data-testid="video" data-mode=${q}></video>
    <figcaption>
      <div class="player-controls">
        <label>${o("learn.quality")} <select id="pl-quality" value=${v} onChange=${H} disabled=${_.length<2}>
          <option value="-1">${o("learn.quality.auto")}</option>
          ${_.map((e,r)=>i`<option value=${r}>${e.height?e.height+"p":o("learn.quality.audio")}</option>`)}
        </select></label>
        <label>${o("learn.captions")} <select id="pl-captions" value=${j} onChange=${J} disabled=${f.length===0}>
          <option value="-1">${o("learn.captions.off")}</option>
          ${f.map((e,r)=>i`<option value=${r} lang=${e.lang||void 0}>${N(e.lang)||e.name}</option>`)}
        </select></label>
      </div>
      ${P!==null&&i`<${M}>${o("learn.resumed",{time:Q(P)})}</${M}>`}
      ${!$&&t.stream&&t.stream.status==="processing"&&i`<p class="hint">${o("learn.streamProcessing")}</p>`}
    </figcaption>
    ${h&&i`<${S} message=${o("learn.mediaError")} />`}
  </figure>`}function Q(t){let s=Math.floor(t);return Math.floor(s/60)+":"+String(s%60).padStart(2,"0")}export{ee as Learn,K as Player,Q as clock};

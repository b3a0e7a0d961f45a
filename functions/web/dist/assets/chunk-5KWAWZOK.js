import{b as j,l as w,o as z,q as _}from"./chunk-VN75DZ5U.js";import{D as P,E as C,F as B,b as l,c as E,d as F,e as T,f as i,q as o,v as O,y as U,z as M}from"./chunk-N376T5NL.js";function ae({courseId:t,itemId:s,early:u}){let[n,x]=l(null),[c,g]=l(null),[k,b]=l(0);E(()=>{let p=!0;return(k===0&&u?u.content:w(`/v1/courses/${_(t)}/items/${_(s)}/content`)).then($=>{p&&(x($),g(null),$.kind==="text"&&q(t,s,{completed:!0}))}).catch($=>p&&g($)),()=>{p=!1}},[t,s,k]);let v=i`<p><a href=${j(["courses",t])}>${o("learn.back")}</a></p>`;return c?i`${v}<${P} text=${o("error."+c.code)} /><${M} error=${c} />`:n?i`${v}
    <article class="learn">
      <${P} text=${n.title} />
      ${n.kind==="text"&&i`<div class="prose">${n.body}</div>`}
      ${n.kind==="video"&&i`<${X} content=${n} onExpired=${()=>b(p=>p+1)} />`}
      ${n.kind==="file"&&i`<p><a class="button" href=${n.url} download=${n.file_name} onClick=${()=>q(t,s,{completed:!0})}>${o("learn.download",{name:n.file_name||n.title})}</a></p>
        <p class="hint">${o("learn.expires",{time:O(n.expires_at)})}</p>`}
    </article>`:i`${v}<${B} />`}var G=(t,s)=>`/v1/courses/${_(t)}/items/${_(s)}/progress`;function q(t,s,u){return z(G(t,s),{...u,client_time:new Date().toISOString()}).catch(()=>null)}function X({content:t,onExpired:s}){let u=T(),n=T(null),[x,c]=l(!1),[g,k]=l([]),[b,v]=l([]),[p,A]=l(-1),[$,H]=l(-1),[D,J]=l(null),[N,y]=l(""),f=t.stream&&t.stream.status==="ready"&&t.stream.master_url?t.stream:null,S=f?f.master_url:t.url;E(()=>{let e=u.current,r=!0,a=0,d=()=>{a>0&&e.duration&&a<e.duration-1&&e.currentTime<.5&&(e.currentTime=a,J(a))};return w(G(t.course_id,t.item_id)).then(m=>{!r||!m||m.completed||(a=m.position_seconds||0,e.readyState>=1&&d())}).catch(()=>{}),e.addEventListener("loadedmetadata",d),()=>{r=!1,e.removeEventListener("loadedmetadata",d)}},[t.item_id]),E(()=>{let e=u.current,r=-1,a=()=>{if(!e.duration||!isFinite(e.duration))return;let h=Math.min(e.currentTime,e.duration);Math.abs(h-r)<.25||(r=h,q(t.course_id,t.item_id,{position_seconds:h,duration_seconds:e.duration}))},d=setInterval(()=>!e.paused&&a(),1e4),m=()=>document.visibilityState==="hidden"&&a();return e.addEventListener("pause",a),e.addEventListener("seeked",a),e.addEventListener("ended",a),document.addEventListener("visibilitychange",m),()=>{a(),clearInterval(d),e.removeEventListener("pause",a),e.removeEventListener("seeked",a),e.removeEventListener("ended",a),document.removeEventListener("visibilitychange",m)}},[t.item_id]);let R=T(0);F(()=>{let e=u.current,r=!0;c(!1),k([]),v([]);let a=R.current,d=()=>a>0&&(e.currentTime=a);a>0&&e.addEventListener("loadedmetadata",d,{once:!0});let m=()=>{y("native"),e.src=S};return f?Promise.all([import("./chunk-YUSS6EBP.js"),import("./chunk-6ER4QE36.js")]).then(([h,W])=>{if(r){if(!h.supported()){if(e.canPlayType("application/vnd.apple.mpegurl"))return m();y("mp4"),e.src=t.url;return}y("hls"),n.current=h.attach(e,S,{onLevels:L=>r&&k(L),onTracks:L=>r&&v(L),onFatal:L=>{r&&(L==="expired"&&s?s():c(!0))},withCredentials:new URL(S,location.href).origin!==location.origin,start:W})}}).catch(()=>r&&c(!0)):(y("mp4"),e.src=t.url),()=>{r=!1,R.current=e.currentTime,e.removeEventListener("loadedmetadata",d),n.current&&n.current.destroy(),n.current=null,e.removeAttribute("src"),e.load()}},[t]);let K=()=>{N!=="hls"&&(t.expires_at&&Date.parse(t.expires_at)<Date.now()&&s?s():c(!0))},Q=e=>{let r=Number(e.currentTarget.value);A(r),n.current&&n.current.setLevel(r)},V=e=>{let r=Number(e.currentTarget.value);H(r),n.current&&n.current.setTrack(r)};return i`<figure class="player">
    <video ref=${u} controls preload="metadata" playsinline poster=${f&&f.poster_url?f.poster_url:void 0}
      aria-label=${o("learn.player")} onError=${K} data-testid="video" data-mode=${N}></video>
    <figcaption>
      <div class="player-controls">
        <label>${o("learn.quality")} <select id="pl-quality" value=${p} onChange=${Q} disabled=${g.length<2}>
          <option value="-1">${o("learn.quality.auto")}</option>
          ${g.map((e,r)=>i`<option value=${r}>${e.height?e.height+"p":o("learn.quality.audio")}</option>`)}
        </select></label>
        <label>${o("learn.captions")} <select id="pl-captions" value=${$} onChange=${V} disabled=${b.length===0}>
          <option value="-1">${o("learn.captions.off")}</option>
          ${b.map((e,r)=>i`<option value=${r} lang=${e.lang||void 0}>${U(e.lang)||e.name}</option>`)}
        </select></label>
      </div>
      ${D!==null&&i`<${C}>${o("learn.resumed",{time:Y(D)})}</${C}>`}
      ${!f&&t.stream&&t.stream.status==="processing"&&i`<p class="hint">${o("learn.streamProcessing")}</p>`}
    </figcaption>
    ${x&&i`<${M} message=${o("learn.mediaError")} />`}
  </figure>`}function Y(t){let s=Math.floor(t);return Math.floor(s/60)+":"+String(s%60).padStart(2,"0")}export{ae as Learn,X as Player,Y as clock};

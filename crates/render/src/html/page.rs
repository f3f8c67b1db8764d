//! The page's own style and script, and its HTML tables (the monthly heatmap, the trade list).

use analytics::DrawdownEpisode;
use analytics::monthly::YearReturns;
use app::views::round_trips::{ROUND_TRIP_COLUMNS, RoundTrip};
use maud::{Markup, html};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A cell's colour: green for gains, red for losses, stronger with size (±10 % is full).
fn shade(v: f64) -> String {
    let a = (v.abs() / 0.10).min(1.0) * 0.85 + 0.05;
    if v >= 0.0 {
        format!("background:rgba(22,140,70,{a:.2})")
    } else {
        format!("background:rgba(200,40,40,{a:.2})")
    }
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

/// Year × month, compounded (the same table `analytics::monthly` gives the CLI).
pub fn heatmap(id: &str, rows: &[YearReturns]) -> Markup {
    if rows.is_empty() {
        return html! { p.empty data-chart=(id) { "no returns to show" } };
    }
    html! {
        table.heatmap data-chart=(id) data-points=(rows.iter().map(|r| r.months.iter().flatten().count()).sum::<usize>()) {
            thead { tr { th { "year" } @for m in MONTHS { th { (m) } } th { "year" } } }
            tbody {
                @for r in rows {
                    tr {
                        th { (r.year) }
                        @for m in &r.months {
                            @match m {
                                Some(v) => td.cell style=(shade(*v)) title=(pct(*v)) { (format!("{:.1}", v * 100.0)) },
                                None => td {},
                            }
                        }
                        @match r.total {
                            Some(v) => td.cell.total style=(shade(v)) { (format!("{:.1}", v * 100.0)) },
                            None => td {},
                        }
                    }
                }
            }
        }
    }
}

/// The deepest drawdowns: peak, valley, recovery, depth and length.
pub fn drawdowns(run: i64, episodes: &[DrawdownEpisode]) -> Markup {
    if episodes.is_empty() {
        return html! { p.empty data-table=(format!("drawdowns-{run}")) { "no drawdown" } };
    }
    html! {
        table.drawdowns.sortable data-table=(format!("drawdowns-{run}")) {
            thead { tr { th { "started" } th { "valley" } th { "recovered" } th { "depth" } th { "sessions" } th { "days" } } }
            tbody {
                @for e in episodes {
                    tr {
                        td { (e.peak_date) } td { (e.valley_date) }
                        td { (e.recovery_date.map_or("not recovered".to_string(), |d| d.to_string())) }
                        td.num { (pct(e.depth)) } td.num { (e.sessions) } td.num { (e.calendar_days) }
                    }
                }
            }
        }
    }
}

/// Every round trip, sortable by any column and paged by the page's script. The rows travel as
/// one compact JSON array (a run can hold tens of thousands), escaped for a `<script>` block.
pub fn trades(run: i64, trips: &[RoundTrip]) -> Markup {
    if trips.is_empty() {
        return html! { p.empty data-table=(format!("trades-{run}")) { "no round trip closed" } };
    }
    let rows: Vec<Vec<String>> = trips
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut row = vec![(i + 1).to_string()];
            row.extend(t.cells());
            row
        })
        .collect();
    let json = serde_json::to_string(&rows)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    html! {
        table.trades.paged data-table=(format!("trades-{run}")) data-rows=(trips.len()) data-source=(format!("trades-data-{run}")) {
            thead { tr { th { "#" } @for c in ROUND_TRIP_COLUMNS { th { (c) } } } }
            tbody {}
        }
        div.pager data-for=(format!("trades-{run}")) {}
        noscript { p.note { (trips.len()) " round trips: the list needs JavaScript; `ztrade backtest show RUN --trades` prints them" } }
        script type="application/json" id=(format!("trades-data-{run}")) { (maud::PreEscaped(json)) }
    }
}

pub const CSS: &str = r#"
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--s0:#1f6feb;--s1:#d97706;--s2:#7c3aed;--s3:#059669}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0 auto;max-width:1280px;padding:16px 24px}
h1{font-size:22px;margin:0}h2{font-size:19px;margin:28px 0 6px;border-top:2px solid var(--line);padding-top:14px}h3{font-size:14px;margin:16px 0 4px;color:var(--muted)}
.sub,.desc{color:var(--muted);margin:2px 0}.note{background:#fff8e1;border-left:3px solid #f0b400;padding:4px 8px;margin:4px 0}
dl.header{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}.grid{display:grid;grid-template-columns:minmax(260px,330px) 1fr;gap:20px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:2px 8px;border-bottom:1px solid var(--line);text-align:left}
td.num{text-align:right}table.sortable th,table.paged th{cursor:pointer;user-select:none}table.sortable th:hover,table.paged th:hover{text-decoration:underline}.pager{margin:6px 0;font-size:12.5px}.pager button{margin-left:6px}
.heatmap td{text-align:right;min-width:44px}.trades{font-size:12.5px}.trades tr.loss td:nth-child(9){color:#b42318}
figure{margin:0}svg.chart{width:100%;height:auto;display:block;background:#fff}
svg .grid{stroke:#eef1f4}svg .tick{font-size:11px;fill:var(--muted)}
svg path.series{fill:none;stroke-width:1.6;vector-effect:non-scaling-stroke}svg path.s0{stroke:var(--s0)}svg path.s1{stroke:var(--s1)}svg path.s2{stroke:var(--s2)}svg path.s3{stroke:var(--s3)}
svg path.area{stroke:none}svg path.area.loss{fill:rgba(200,40,40,.18)}svg path.area.held{fill:rgba(31,111,235,.14)}svg rect.pos{fill:#1a7f4b}svg rect.neg{fill:#c0392b}svg .dense path{stroke-width:1;vector-effect:non-scaling-stroke}svg .dense .pos{stroke:#1a7f4b}svg .dense .neg{stroke:#c0392b}
svg .candles path{stroke-width:1;vector-effect:non-scaling-stroke}svg .candles .up{stroke:#1a7f4b;fill:#d6f0e0}svg .candles .down{stroke:#c0392b;fill:#f5d0cc}
svg path.marker{stroke:#111;stroke-width:.6}svg path.marker.buy,svg path.marker.cover{fill:#1f6feb}svg path.marker.sell,svg path.marker.short{fill:#d97706}
.legend{font-size:12px;color:var(--muted)}.k0{color:var(--s0)}.k1{color:var(--s1)}.k2{color:var(--s2)}.k3{color:var(--s3)}
#tip{position:fixed;pointer-events:none;background:#1b1f24;color:#fff;font-size:12px;padding:4px 7px;border-radius:4px;white-space:pre;z-index:9}
.empty{color:var(--muted);font-style:italic}.axis{color:var(--muted);font-size:12px;margin:0}.zoomed{outline:1px dashed var(--muted)}
"#;

/// Hover read-outs, drag-to-zoom (double-click resets) and sortable tables. Ours, no library.
pub const JS: &str = r#"
(function(){
'use strict';
var W=900,H=260,L=64,R=12,T=12,B=28,tip=document.getElementById('tip');
function num(s){var v=parseFloat(String(s).replace(/[%,$ ]/g,''));return isNaN(v)?null:v;}
function fmt(v,f){return f==='pct'?(v*100).toFixed(2)+'%':v.toFixed(2);}
function day(ms){var d=new Date(ms);return isNaN(d)?'':d.toISOString().slice(0,10);}
function pts(p){if(!p._pts){p._pts=(p.getAttribute('d')||'').split(/[ML]/).filter(Boolean).map(function(s){var a=s.split(',');return[+a[0],+a[1]];});}return p._pts;}
function near(a,x){var lo=0,hi=a.length-1;while(hi-lo>1){var m=(lo+hi)>>1;if(a[m][0]<x)lo=m;else hi=m;}return(!a.length)?null:(Math.abs(a[lo][0]-x)<=Math.abs(a[hi][0]-x)?a[lo]:a[hi]);}
function frame(s){return{x0:+s.dataset.x0,x1:+s.dataset.x1,y0:+s.dataset.y0,y1:+s.dataset.y1,log:s.dataset.log==='true',f:s.dataset.fmt,k:1,t:0};}
function local(s,e){var p=s.createSVGPoint();p.x=e.clientX;p.y=e.clientY;var m=s.getScreenCTM();return m?p.matrixTransform(m.inverse()):p;}
function dataX(fr,px){var u=(px-fr.t)/fr.k;return fr.x0+(u-L)/(W-L-R)*(fr.x1-fr.x0);}
function dataY(fr,py){var y=fr.y1-(py-T)/(H-T-B)*(fr.y1-fr.y0);return fr.log?Math.exp(y)-1:y;}
function relabel(s,fr){var ts=s.querySelectorAll('g.axes text.tick[text-anchor]');ts.forEach(function(t){if(+t.getAttribute('y')>H-20){t.textContent=day(dataX(fr,+t.getAttribute('x')));}});}
function zoom(s,fr,a,b){var lo=Math.max(L,Math.min(a,b)),hi=Math.min(W-R,Math.max(a,b));if(hi-lo<8)return;
 var u0=(lo-fr.t)/fr.k,u1=(hi-fr.t)/fr.k;fr.k=(W-L-R)/(u1-u0);fr.t=L-u0*fr.k;apply(s,fr);}
function apply(s,fr){s.querySelectorAll('path.series,path.area,g.series').forEach(function(p){p.setAttribute('transform',fr.k===1?'':'translate('+fr.t+',0) scale('+fr.k+',1)');});
 s.classList.toggle('zoomed',fr.k!==1);if(s.dataset.x0&&s.querySelector('path.series'))relabel(s,fr);}
document.querySelectorAll('svg.chart').forEach(function(s){
 var fr=frame(s),down=null,line=s.querySelector('path.series')!==null;
 s.addEventListener('mousemove',function(e){if(!line)return;var p=local(s,e),u=(p.x-fr.t)/fr.k,out=[day(dataX(fr,p.x))];
  s.querySelectorAll('path.series').forEach(function(q){var n=near(pts(q),u);if(n)out.push(q.dataset.series+': '+fmt(dataY(fr,n[1]),fr.f));});
  tip.textContent=out.join('\n');tip.hidden=false;tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+10)+'px';});
 s.addEventListener('mouseleave',function(){tip.hidden=true;down=null;});
 s.addEventListener('mousedown',function(e){down=local(s,e).x;e.preventDefault();});
 s.addEventListener('mouseup',function(e){if(down!==null){zoom(s,fr,down,local(s,e).x);down=null;}});
 s.addEventListener('dblclick',function(){fr.k=1;fr.t=0;apply(s,fr);});
});
document.querySelectorAll('table.paged').forEach(function(t){
 var rows=JSON.parse(document.getElementById(t.dataset.source).textContent),page=0,per=200,
  pager=document.querySelector('.pager[data-for="'+t.dataset.table+'"]'),body=t.tBodies[0];
 function draw(){body.textContent='';var a=page*per,b=Math.min(rows.length,a+per);
  for(var i=a;i<b;i++){var tr=document.createElement('tr'),r=rows[i];tr.className=(num(r[8])<0)?'loss':'win';
   r.forEach(function(v,j){var td=document.createElement('td');td.textContent=v;if(j===0||j===3||j===5||j===7||j===8)td.className='num';tr.appendChild(td);});body.appendChild(tr);}
  pager.textContent='';var info=document.createElement('span');info.textContent='rows '+(a+1)+'–'+b+' of '+rows.length+' ';pager.appendChild(info);
  [['‹ previous',-1],['next ›',1]].forEach(function(x){var btn=document.createElement('button');btn.textContent=x[0];
   btn.disabled=(x[1]<0&&page===0)||(x[1]>0&&b>=rows.length);btn.addEventListener('click',function(){page+=x[1];draw();});pager.appendChild(btn);});}
 t.querySelectorAll('thead th').forEach(function(th,i){th.addEventListener('click',function(){var asc=th.dataset.dir!=='asc';
  rows.sort(function(a,b){var nx=num(a[i]),ny=num(b[i]),c=(nx!==null&&ny!==null&&i!==4&&i!==6)?nx-ny:String(a[i]).localeCompare(String(b[i]));return asc?c:-c;});
  t.querySelectorAll('thead th').forEach(function(h){delete h.dataset.dir;});th.dataset.dir=asc?'asc':'desc';page=0;draw();});});
 draw();
});
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('thead th').forEach(function(th,i){th.addEventListener('click',function(){
  var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),asc=th.dataset.dir!=='asc';
  rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,nx=num(x),ny=num(y);
   var c=(nx!==null&&ny!==null)?nx-ny:x.localeCompare(y);return asc?c:-c;});
  t.querySelectorAll('thead th').forEach(function(h){delete h.dataset.dir;});th.dataset.dir=asc?'asc':'desc';
  rows.forEach(function(r){body.appendChild(r);});});});
});
})();
"#;

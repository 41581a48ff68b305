// The demos' own styles, scoped by class, sized to read on a projector at 1280×720. An app can
// override any of them; colours follow the page's `color` and `background` where it can.
export const STYLE = `
.molsig-learn { font: 16px/1.45 system-ui, sans-serif; }
.molsig-learn h2 { margin: 0 0 .25rem; font-size: 1.5rem; }
.molsig-learn-lead { margin: 0 0 .5rem; }
.molsig-learn-controls { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; margin-bottom: .75rem; }
.molsig-learn-control { display: inline-flex; gap: .5rem; align-items: center; }
.molsig-learn-control input[type=range] { width: 10rem; }
.molsig-learn-control output { min-width: 5rem; font-variant-numeric: tabular-nums; }
.molsig-learn button, .molsig-learn select { font: inherit; padding: .3rem .7rem; }
.molsig-learn :focus-visible { outline: 3px solid #0072b2; outline-offset: 2px; }
.molsig-learn-body { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 6fr); gap: 1rem; }
@media (max-width: 900px) { .molsig-learn-body { grid-template-columns: 1fr; } }
.molsig-learn-view { position: relative; height: 360px; border: 1px solid #8888; border-radius: 4px; overflow: hidden; }
.molsig-learn-playback { display: flex; gap: .5rem; align-items: center; margin-top: .4rem; }
.molsig-learn-playback input { flex: 1; }
.molsig-learn-legend, .molsig-learn-status { font-size: .9rem; margin: .3rem 0; opacity: .85; }
.molsig-learn-levels, .molsig-learn-predictions table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.molsig-learn-levels th, .molsig-learn-levels td, .molsig-learn-predictions th, .molsig-learn-predictions td { padding: .2rem .45rem; text-align: right; border-bottom: 1px solid #8884; }
.molsig-learn-same { color: #007a55; font-weight: 600; white-space: nowrap; }
.molsig-learn-changed { color: #b2182b; font-weight: 600; white-space: nowrap; }
.molsig-learn-levels caption { caption-side: bottom; text-align: left; font-size: .85rem; padding-top: .3rem; opacity: .85; }
.molsig-learn-facts { padding-left: 1.2rem; }
.molsig-learn-notes { margin: 0 0 .6rem; max-width: 60rem; }
.molsig-learn-notes p { margin: .3rem 0 0; }
.molsig-learn-notes summary { font-weight: 600; cursor: pointer; }
.molsig-learn-warp-box span { max-width: 7rem; }
.molsig-learn-warp { width: 96px; height: 96px; touch-action: none; cursor: grab; }
.molsig-learn-warp-identity { stroke: #8888; stroke-dasharray: 4 4; }
.molsig-learn-warp-curve { fill: none; stroke: #0072b2; stroke-width: 3; }
.molsig-learn-warp-handle { fill: #e69f00; stroke: #333; stroke-width: 1.5; }
`;

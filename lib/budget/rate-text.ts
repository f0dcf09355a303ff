/** A rate as people read it: one decimal under 10/s, whole numbers above (the status page, `npm start`'s line). */
export function rateText(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

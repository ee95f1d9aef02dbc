// The subset of pdfkit 0.20 the reporter uses (the package ships no type declarations).
declare module 'pdfkit' {
  import type { Writable } from 'node:stream'

  interface TextOptions {
    width?: number
    height?: number
    align?: 'left' | 'center' | 'right' | 'justify'
    lineBreak?: boolean
    ellipsis?: boolean | string
    continued?: boolean
    link?: string | null
    goTo?: string | null
    destination?: string
    underline?: boolean
    characterSpacing?: number
    lineGap?: number
    paragraphGap?: number
    indent?: number
  }

  interface DocumentOptions {
    size?: string | [number, number]
    margins?: { top: number; bottom: number; left: number; right: number }
    bufferPages?: boolean
    autoFirstPage?: boolean
    info?: Record<string, string | Date>
    lang?: string
    displayTitle?: boolean
    pdfVersion?: string
    compress?: boolean
  }

  class PDFDocument {
    constructor(options?: DocumentOptions)
    page: {
      width: number
      height: number
      margins: { top: number; bottom: number; left: number; right: number }
    }
    x: number
    y: number
    pipe<T extends Writable>(destination: T): T
    end(): void
    on(event: 'data', listener: (chunk: Buffer) => void): this
    on(event: 'end', listener: () => void): this
    on(event: 'error', listener: (err: Error) => void): this
    addPage(options?: DocumentOptions): this
    switchToPage(index: number): this
    bufferedPageRange(): { start: number; count: number }
    registerFont(name: string, src: string | Buffer, family?: string): this
    font(name: string, size?: number): this
    fontSize(size: number): this
    fillColor(color: string, opacity?: number): this
    strokeColor(color: string, opacity?: number): this
    fillOpacity(opacity: number): this
    lineWidth(width: number): this
    text(text: string, options?: TextOptions): this
    text(text: string, x?: number, y?: number, options?: TextOptions): this
    widthOfString(text: string, options?: TextOptions): number
    heightOfString(text: string, options?: TextOptions): number
    moveDown(lines?: number): this
    rect(x: number, y: number, w: number, h: number): this
    roundedRect(x: number, y: number, w: number, h: number, r: number): this
    moveTo(x: number, y: number): this
    lineTo(x: number, y: number): this
    circle(x: number, y: number, r: number): this
    fill(color?: string): this
    stroke(color?: string): this
    fillAndStroke(fill?: string, stroke?: string): this
    dash(length: number, options?: { space: number }): this
    undash(): this
    save(): this
    restore(): this
    addNamedDestination(name: string): this
    outline: { addItem(title: string, options?: { expanded?: boolean }): unknown }
  }

  export default PDFDocument
}

import { z } from 'zod'

/** Languages a report (and the console) can be rendered in; `en` is the default. */
export const Locale = z.enum(['en', 'zh-CN'])
export type Locale = z.infer<typeof Locale>

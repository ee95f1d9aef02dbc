import { CN_SURNAMES } from './name-gazetteer.js'

/**
 * Chinese surnames for the PERSON detector: the common single-character ones (together they cover
 * the great majority of the population), the compound ones still in use, and faker's Hundred Family
 * Surnames for the rarer ones. The detector only looks for them after a person word or before an
 * honorific, so a surname that is also a common character costs little.
 */
const SINGLE =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'
const COMPOUND = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '百里',
  '呼延',
  '万俟',
  '澹台',
  '公冶',
  '太史',
]

const EXTRA = CN_SURNAMES.split('|')
const SINGLE_SET = new Set([...SINGLE, ...EXTRA.filter((surname) => surname.length === 1)])
const COMPOUND_SET = new Set([...COMPOUND, ...EXTRA.filter((surname) => surname.length === 2)])

/** Characters of the surname that starts `name`: 2 for a compound surname, 1 for a single one, 0 for none. */
export function surnameLength(name: string): number {
  if (COMPOUND_SET.has(name.slice(0, 2))) return 2
  return SINGLE_SET.has(name[0] ?? '') ? 1 : 0
}

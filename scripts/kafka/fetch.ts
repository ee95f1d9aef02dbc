import { ensureKafkaJars, KAFKA_VERSION } from '../../services/platform/local-kafka.js'

/** `npm run kafka:fetch`: resolve the pinned Kafka broker jars into .cache/kafka (CI does this before the tests). */
const libs = ensureKafkaJars()
console.log(`Apache Kafka ${KAFKA_VERSION} jars ready in ${libs}`)
